package io.sockwatch.kernel.procfs;

import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the values of the TCP sysctls under {@code /proc/sys/net}. Each file holds one line: a
 * number, or several separated by tabs ({@code tcp_mem}, {@code ip_local_port_range}), or a comma
 * list of ports and ranges ({@code ip_local_reserved_ports}, empty when nothing is reserved).
 */
final class SysctlParser {

  private static final int MAX_PORT = 65535;

  private SysctlParser() {}

  /** A single-number sysctl such as {@code tcp_fin_timeout}. */
  public static long number(String text) throws ProcFormatException {
    return numbers(text, 1)[0];
  }

  /** {@code net.ipv4.tcp_mem}: min, pressure and max, in pages. */
  public static TcpMemLimits tcpMem(String text) throws ProcFormatException {
    long[] v = numbers(text, 3);
    for (long x : v) {
      if (x < 0) {
        throw ProcFormatException.unrecognised("negative page count " + x);
      }
    }
    return new TcpMemLimits(v[0], v[1], v[2]);
  }

  /** {@code net.ipv4.ip_local_port_range}: the low and high ephemeral port. */
  public static PortRange portRange(String text) throws ProcFormatException {
    long[] v = numbers(text, 2);
    return range(v[0], v[1], v[0] + " " + v[1]);
  }

  /** {@code net.ipv4.ip_local_reserved_ports}: e.g. {@code 8080,9000-9010}, or empty. */
  public static List<PortRange> reservedPorts(String text) throws ProcFormatException {
    String body = singleLine(text).strip();
    List<PortRange> ranges = new ArrayList<>();
    if (body.isEmpty()) {
      return ranges;
    }
    for (String item : body.split(",", -1)) {
      int dash = item.indexOf('-');
      if (dash < 0) {
        long port = port(item);
        ranges.add(range(port, port, item));
      } else {
        ranges.add(range(port(item.substring(0, dash)), port(item.substring(dash + 1)), item));
      }
    }
    return ranges;
  }

  private static long port(String s) throws ProcFormatException {
    Long v = s.length() <= 5 ? TextLines.parseLong(s) : null;
    if (v == null || v < 0 || v > MAX_PORT || s.startsWith("+")) {
      throw ProcFormatException.unrecognised(TextLines.quote(s) + " is not a port");
    }
    return v;
  }

  private static PortRange range(long low, long high, String text) throws ProcFormatException {
    if (low < 0 || high > MAX_PORT || low > high) {
      throw ProcFormatException.unrecognised(TextLines.quote(text) + " is not a port range");
    }
    return new PortRange((int) low, (int) high);
  }

  private static long[] numbers(String text, int count) throws ProcFormatException {
    List<String> fields = TextLines.fields(singleLine(text));
    if (fields.size() != count) {
      throw ProcFormatException.unrecognised(
          "expected "
              + count
              + (count == 1 ? " number" : " numbers")
              + ", found "
              + fields.size()
              + (fields.size() == 1 ? " field" : " fields"));
    }
    long[] v = new long[count];
    for (int i = 0; i < count; i++) {
      Long x = TextLines.parseLong(fields.get(i));
      if (x == null) {
        throw ProcFormatException.unrecognised(TextLines.quote(fields.get(i)) + " is not a number");
      }
      v[i] = x;
    }
    return v;
  }

  /** The one line of a sysctl file, without its newline. */
  private static String singleLine(String text) throws ProcFormatException {
    if (text.isEmpty()) {
      throw ProcFormatException.truncated("file is empty");
    }
    if (TextLines.truncated(text)) {
      throw ProcFormatException.truncated("no newline at the end");
    }
    int nl = text.indexOf('\n');
    if (nl != text.length() - 1) {
      throw ProcFormatException.unrecognised("more than one line");
    }
    return text.substring(0, nl);
  }
}
