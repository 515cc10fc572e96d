package io.sockwatch.bench;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers the benchmark takes from the agent's {@code /api/status}. Each field name occurs once
 * in that document, so a pattern per field reads it without a JSON library in the bench jar.
 *
 * @param ticks ticks so far
 * @param scans socket-table scans so far
 * @param lastScanSeconds wall time of the last scan
 * @param lastScanCpuSeconds CPU time of the last scan (whole process)
 * @param scanIntervalSeconds the interval the CPU budget allows at the last scan's cost
 * @param cpuSeconds the agent's CPU since start, as it measures itself
 * @param heapUsedBytes heap in use after the last tick (not after a GC)
 * @param heapMaxBytes the heap limit
 * @param lastError why the last scan did not happen, empty if it did
 */
record AgentStatus(
    long ticks,
    long scans,
    double lastScanSeconds,
    double lastScanCpuSeconds,
    double scanIntervalSeconds,
    double cpuSeconds,
    long heapUsedBytes,
    long heapMaxBytes,
    String lastError) {

  static AgentStatus parse(String json) throws IOException {
    return new AgentStatus(
        (long) number(json, "ticks"),
        (long) number(json, "scans"),
        number(json, "last_scan_seconds"),
        number(json, "last_scan_cpu_seconds"),
        number(json, "scan_interval_seconds"),
        number(json, "cpu_seconds"),
        (long) number(json, "heap_used_bytes"),
        (long) number(json, "heap_max_bytes"),
        text(json, "last_error"));
  }

  /** A string field's text (escapes left as they are), or empty when absent. */
  private static String text(String json, String field) {
    Matcher m =
        Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  private static double number(String json, String field) throws IOException {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IOException("no " + field + " in /api/status: " + json);
    }
    return Double.parseDouble(m.group(1));
  }
}
