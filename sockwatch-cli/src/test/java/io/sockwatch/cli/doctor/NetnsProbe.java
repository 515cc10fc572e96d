package io.sockwatch.cli.doctor;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth from inside a test namespace: {@code ss} rows with their timers and tcp_info, and
 * TcpExt counters, read with the system tools rather than sockwatch's own code. Also the bounded
 * wait the live tests use instead of sleeping.
 */
final class NetnsProbe {
  private NetnsProbe() {}

  private static final Pattern TIMER = Pattern.compile("timer:\\((\\w+),[^,]*,(\\d+)\\)");

  /**
   * One {@code ss -tanoiH} socket.
   *
   * @param state ss state name
   * @param local local endpoint
   * @param peer peer endpoint
   * @param recvQ Recv-Q column
   * @param sendQ Send-Q column
   * @param info the rest of the row and its tcp_info line
   */
  record Row(String state, String local, String peer, long recvQ, long sendQ, String info) {

    /** The timer's retransmit/probe count, or -1 without a timer. */
    int timerCount() {
      Matcher m = TIMER.matcher(info);
      return m.find() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** A {@code key:NUMBER} tcp_info value such as {@code lastsnd}, or -1 when absent. */
    long value(String key) {
      Matcher m = Pattern.compile("\\b" + key + ":(\\d+)").matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Lifetime retransmitted segments ({@code retrans:CUR/TOTAL}), 0 when ss prints none. */
    long totalRetrans() {
      Matcher m = Pattern.compile("retrans:\\d+/(\\d+)").matcher(info);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
  }

  /** Every TCP socket in the namespace, with timers and tcp_info. */
  static List<Row> ss(TestNetns ns) throws IOException {
    String text = ns.exec("ss", "-tanoiH");
    List<Row> rows = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      StringBuilder info = new StringBuilder(line);
      while (i + 1 < lines.length
          && !lines[i + 1].isEmpty()
          && Character.isWhitespace(lines[i + 1].charAt(0))) {
        info.append(' ').append(lines[++i].trim());
      }
      rows.add(
          new Row(f[0], f[3], f[4], Long.parseLong(f[1]), Long.parseLong(f[2]), info.toString()));
    }
    return rows;
  }

  /** A TcpExt counter of the namespace from /proc/net/netstat. */
  static long tcpExt(TestNetns ns, String counter) throws IOException {
    String[] lines = ns.exec("cat", "/proc/net/netstat").split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
        String[] names = lines[i].split("\\s+");
        String[] values = lines[i + 1].split("\\s+");
        for (int k = 1; k < names.length; k++) {
          if (names[k].equals(counter)) {
            return Long.parseLong(values[k]);
          }
        }
      }
    }
    throw new IOException("no TcpExt " + counter + " in /proc/net/netstat");
  }

  interface Check {
    boolean holds() throws IOException;
  }

  /** Polls every 100 ms until the check holds; fails with {@code what} after {@code seconds}. */
  static void await(String what, double seconds, Check check)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Adds an nftables input-hook rule in the namespace (creating the table and chain once). */
  static void dropOnInput(TestNetns ns, String... rule) throws IOException {
    try {
      ns.exec("nft", "list", "chain", "inet", "swt", "in");
    } catch (IOException absent) {
      ns.exec("nft", "add", "table", "inet", "swt");
      ns.exec("nft", "add", "chain", "inet", "swt", "in", "{ type filter hook input priority 0; }");
    }
    List<String> cmd = new ArrayList<>(List.of("nft", "add", "rule", "inet", "swt", "in"));
    cmd.addAll(List.of(rule));
    cmd.add("drop");
    ns.exec(cmd.toArray(String[]::new));
  }
}
