package io.sockwatch.cli.output;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.snapshot.Ownership;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.List;

/**
 * Formats listing rows ({@code ss -tan} columns plus the owner, and with details a second line in
 * the spirit of {@code ss -tie}) into a reusable {@link StringBuilder}. One instance per thread;
 * the snapshot it reads is immutable.
 */
final class ListingRows {

  static final String HEADER =
      String.format(
          "%-11s %7s %7s %-39s %-39s %s%n",
          "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process");

  private final Snapshot snap;
  private final boolean details;
  final StringBuilder row = new StringBuilder(64 * 1024);

  ListingRows(Snapshot snap, boolean details) {
    this.snap = snap;
    this.details = details;
  }

  /** Appends rows {@code from} (inclusive) to {@code to} (exclusive) of the snapshot. */
  void append(int from, int to) {
    List<SocketRecord> sockets = snap.sockets();
    for (int i = from; i < to; i++) {
      append(sockets.get(i));
    }
  }

  void append(SocketRecord s) {
    int rowStart = row.length();
    pad(row.append(s.state().ssName()), rowStart + 11).append(' ');
    padLeft(queue(s.receiveQueue()), 7).append(' ');
    padLeft(queue(s.sendQueue()), 7).append(' ');
    int mark = row.length();
    SocketRecord.appendEndpoint(row, s.localAddress(), s.localPort());
    pad(row, mark + 39).append(' ');
    mark = row.length();
    SocketRecord.appendEndpoint(row, s.remoteAddress(), s.remotePort());
    pad(row, mark + 39).append(' ');
    appendOwner(s);
    row.append('\n');
    if (details) {
      appendDetails(s);
    }
  }

  /** A queue length, or "-" when the source did not report it (the /proc LISTEN backlog). */
  private static String queue(long v) {
    if (v == SocketRecord.ABSENT) {
      return "-";
    }
    return v == 0 ? "0" : Long.toString(v); // most queues are empty: no allocation
  }

  private void appendOwner(SocketRecord s) {
    Ownership o = snap.ownershipOf(s);
    if (o != Ownership.PROCESS) {
      if (o != Ownership.NOT_ATTRIBUTED) {
        row.append('-').append(o.label()).append('-');
      }
      return;
    }
    List<ProcessInfo> owners = snap.ownersOf(s);
    for (int i = 0; i < owners.size(); i++) {
      ProcessInfo p = owners.get(i);
      if (i > 0) {
        row.append(',');
      }
      row.append(p.comm()).append('(').append(p.pid()).append(')');
    }
  }

  /** A second, indented line in the spirit of {@code ss -tie}. */
  private void appendDetails(SocketRecord s) {
    row.append('\t');
    if (s.uid() != SocketRecord.ABSENT) {
      row.append(" uid:").append(s.uid());
    }
    row.append(" ino:").append(s.inode());
    if (s.cookie() != SocketRecord.ABSENT) {
      row.append(" sk:").append(Long.toHexString(s.cookie()));
    }
    if (s.timer() != SocketTimer.OFF) {
      row.append(" timer:(")
          .append(s.timer().ssName())
          .append(',')
          .append(s.timerExpiresMillis())
          .append("ms,")
          .append(s.timerRetransmits())
          .append(')');
    }
    if (!s.congestion().isEmpty()) {
      row.append(' ').append(s.congestion());
    }
    TcpInfo t = s.tcpInfo();
    if (t.isPresent()) {
      long rtt = t.get(TcpInfoField.RTT);
      long rttvar = t.get(TcpInfoField.RTTVAR);
      if (rtt != TcpInfo.ABSENT && rttvar != TcpInfo.ABSENT) {
        row.append(" rtt:").append(millis(rtt)).append('/').append(millis(rttvar));
      }
      field(t, TcpInfoField.RTO, " rto:", true);
      field(t, TcpInfoField.SND_MSS, " mss:", false);
      field(t, TcpInfoField.SND_CWND, " cwnd:", false);
      field(t, TcpInfoField.BYTES_SENT, " bytes_sent:", false);
      field(t, TcpInfoField.BYTES_ACKED, " bytes_acked:", false);
      field(t, TcpInfoField.BYTES_RECEIVED, " bytes_received:", false);
      long retrans = t.get(TcpInfoField.RETRANS);
      long total = t.get(TcpInfoField.TOTAL_RETRANS);
      if (retrans != TcpInfo.ABSENT && total != TcpInfo.ABSENT && total > 0) {
        row.append(" retrans:").append(retrans).append('/').append(total);
      }
      field(t, TcpInfoField.LAST_DATA_SENT, " lastsnd:", false);
      field(t, TcpInfoField.LAST_DATA_RECV, " lastrcv:", false);
      field(t, TcpInfoField.LAST_ACK_RECV, " lastack:", false);
      field(t, TcpInfoField.NOTSENT_BYTES, " notsent:", false);
      field(t, TcpInfoField.MIN_RTT, " minrtt:", true);
    }
    SkMemInfo m = s.skMem();
    if (m.isPresent()) {
      row.append(" skmem:(r")
          .append(m.rmemAlloc())
          .append(",rb")
          .append(m.rcvBuf())
          .append(",t")
          .append(m.wmemAlloc())
          .append(",tb")
          .append(m.sndBuf())
          .append(",f")
          .append(m.fwdAlloc())
          .append(",w")
          .append(m.wmemQueued())
          .append(",o")
          .append(m.optMem())
          .append(",bl")
          .append(m.backlog());
      if (m.drops() != TcpInfo.ABSENT) {
        row.append(",d").append(m.drops());
      }
      row.append(')');
    }
    row.append('\n');
  }

  private void field(TcpInfo t, TcpInfoField f, String label, boolean microsToMillis) {
    long v = t.get(f);
    if (v == TcpInfo.ABSENT) {
      return;
    }
    row.append(label);
    if (microsToMillis) {
      row.append(millis(v));
    } else {
      row.append(v);
    }
  }

  private static String millis(long micros) {
    return micros % 1000 == 0 ? Long.toString(micros / 1000) : Double.toString(micros / 1000.0);
  }

  private static final String SPACES = " ".repeat(64);

  /** Pads to an absolute length with one bulk append (per-char appends dominated a listing). */
  private static StringBuilder pad(StringBuilder sb, int width) {
    int missing = width - sb.length();
    if (missing > 0) {
      sb.append(SPACES, 0, Math.min(missing, SPACES.length()));
    }
    return sb;
  }

  private StringBuilder padLeft(String s, int width) {
    int missing = width - s.length();
    if (missing > 0) {
      row.append(SPACES, 0, Math.min(missing, SPACES.length()));
    }
    return row.append(s);
  }
}
