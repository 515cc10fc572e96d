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

  /** States in which a closing connection is still moving: counts are not stable yet. */
  private static final List<String> CLOSING =
      List.of("FIN-WAIT-1", "FIN-WAIT-2", "CLOSING", "LAST-ACK", "CLOSE-WAIT", "SYN-SENT");

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
   * Waits (up to 20 s) until no counted connection is still opening or closing, so that every short
   * connection the test made has reached TIME_WAIT or gone, and returns the settled counts.
   */
  static Map<String, Integer> settled(Counts counts) throws IOException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    Map<String, Integer> previous = null;
    while (true) {
      Map<String, Integer> now = counts.read();
      // Two equal reads in a row: one dump of the kernel's table can skip a socket when sockets
      // elsewhere on the host come and go while it runs (dumps are not atomic).
      if (CLOSING.stream().noneMatch(now::containsKey) && now.equals(previous)) {
        return now;
      }
      previous = now;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("connections did not settle: " + now);
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
