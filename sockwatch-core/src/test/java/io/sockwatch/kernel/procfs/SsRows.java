package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ground truth from iproute2: runs {@code ss -tanHe} and parses its rows into the same text keys
 * {@link SocketRecord#tupleKey()} produces, so the two can be compared as sets.
 */
final class SsRows {

  /**
   * One row of {@code ss -tanHe}.
   *
   * @param tupleKey state and endpoints in {@link SocketRecord#tupleKey()} form
   * @param recvQ the Recv-Q column
   * @param sendQ the Send-Q column (the backlog for LISTEN)
   * @param inode the {@code ino:} value, or -1 when ss printed none
   */
  record Row(String tupleKey, long recvQ, long sendQ, long inode) {
    /** Key plus the numbers both sources carry; ss's LISTEN Send-Q (the backlog) is left out. */
    String detailKey() {
      return SsRows.detailKey(tupleKey, inode, recvQ, tupleKey.startsWith("LISTEN ") ? -1 : sendQ);
    }
  }

  private SsRows() {}

  /** The same detail key for a record read from /proc (LISTEN send queue is absent there). */
  static String detailKey(SocketRecord r) {
    return detailKey(r.tupleKey(), r.inode(), r.receiveQueue(), r.sendQueue());
  }

  private static String detailKey(String tupleKey, long inode, long recvQ, long sendQ) {
    return tupleKey + " ino=" + inode + " rq=" + recvQ + " sq=" + (sendQ < 0 ? "-" : sendQ);
  }

  /** Runs {@code ss -tanHe} with an optional filter expression, e.g. {@code sport = :8080}. */
  static List<Row> run(String filter) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ss", "-tanHe"));
    if (!filter.isEmpty()) {
      cmd.add(filter);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ss finished").isTrue();
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("ss exit status; output: %s", text).isZero();
      return parse(text);
    } finally {
      p.destroy();
    }
  }

  /** Parses ss output lines: {@code State Recv-Q Send-Q Local Peer [extras...]}. */
  static List<Row> parse(String text) {
    List<Row> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5) {
        continue;
      }
      TcpState state = TcpState.parse(f[0]);
      assertThat(state).as("state in ss line %s", line).isNotNull();
      long inode = -1;
      for (int i = 5; i < f.length; i++) {
        if (f[i].startsWith("ino:")) {
          inode = Long.parseLong(f[i].substring(4));
        }
      }
      String key = state.ssName() + " " + endpoint(f[3]) + " " + endpoint(f[4]);
      rows.add(new Row(key, Long.parseLong(f[1]), Long.parseLong(f[2]), inode));
    }
    return rows;
  }

  /**
   * Normalises ss's endpoint text to {@code addr:port} as sockwatch prints it: {@code *} alone is
   * the IPv6 any-address (a dual-stack socket), a {@code *} port is 0, and an interface suffix such
   * as {@code %lo} is dropped.
   */
  static String endpoint(String text) {
    int colon = text.lastIndexOf(':');
    String addr = text.substring(0, colon);
    String port = text.substring(colon + 1);
    int pct = addr.indexOf('%');
    if (pct >= 0) {
      addr = addr.substring(0, pct);
    }
    IpAddress address = addr.equals("*") ? IpAddress.V6_ANY : IpAddress.parse(addr);
    StringBuilder sb = new StringBuilder();
    SocketRecord.appendEndpoint(sb, address, port.equals("*") ? 0 : Integer.parseInt(port));
    return sb.toString();
  }
}
