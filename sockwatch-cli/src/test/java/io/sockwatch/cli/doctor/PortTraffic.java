package io.sockwatch.cli.doctor;

import io.sockwatch.model.PortRange;
import io.sockwatch.testkit.SsEntry;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Ground truth from {@code ss} and finding accessors shared by the port and TIME_WAIT tests. */
final class PortTraffic {

  private PortTraffic() {}

  /**
   * Sockets {@code ss} shows in {@code ns} towards {@code peer} whose local port lies in {@code
   * range}, per state: the client side of the test's connections.
   */
  static Map<String, Integer> toPeer(TestNetns ns, String peer, PortRange range)
      throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (SsEntry e : SsTable.readInNetns(ns.name()).entries()) {
      if (unmapped(e.peer()).equals(peer) && range.contains(port(e.local()))) {
        counts.merge(e.state(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Sockets {@code ss} shows in {@code ns} on local endpoint {@code local}, per state. */
  static Map<String, Integer> onLocal(TestNetns ns, String local) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (SsEntry e : SsTable.readInNetns(ns.name()).entries()) {
      if (unmapped(e.local()).equals(local) && !e.state().equals("LISTEN")) {
        counts.merge(e.state(), 1, Integer::sum);
      }
    }
    return counts;
  }

  static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A read of per-state counts from {@code ss}. */
  @FunctionalInterface
  interface Counts {
    Map<String, Integer> read() throws IOException;
  }

  /**
   * Reads until the counts are exactly {@code expected} and returns them, or, after 10 s, the last
   * read for the caller's assertion to show. One dump of the kernel's socket hash can skip a socket
   * when sockets elsewhere on the host (other tests, other jobs on a shared machine) come and go in
   * the same bucket while it runs, so a single short read is retried rather than believed.
   */
  static Map<String, Integer> awaitExactly(Counts counts, Map<String, Integer> expected)
      throws IOException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Map<String, Integer> now = counts.read();
      if (now.equals(expected) || System.nanoTime() > deadline) {
        return now;
      }
    }
  }

  /**
   * {@code [::ffff:a.b.c.d]:p} as {@code a.b.c.d:p}. Java's sockets are dual-stack IPv6, so ss
   * shows the test's IPv4 loopback traffic v4-mapped; the doctor names it by its IPv4 address.
   */
  static String unmapped(String endpoint) {
    String mapped = "[::ffff:";
    int close = endpoint.indexOf(']');
    return endpoint.startsWith(mapped) && endpoint.indexOf('.') > 0 && close > 0
        ? endpoint.substring(mapped.length(), close) + endpoint.substring(close + 1)
        : endpoint;
  }

  static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  static List<String> processes(JsonNode finding) {
    return finding.get("subject").get("processes").valueStream().map(JsonNode::asString).toList();
  }
}
