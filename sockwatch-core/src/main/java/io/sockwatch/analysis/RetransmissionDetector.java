package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Destinations to which a large share of segments had to be sent again: packets on the path to them
 * are being lost (a faulty or congested link, a policer, an overloaded middlebox, an MTU black
 * hole). Grouped per destination, since loss belongs to a path: an outbound connection's peer
 * endpoint, or for clients of a local listener, the client's address at that listener.
 *
 * <p>With two samples, each socket's tcp_info {@code total_retrans} and {@code data_segs_out} are
 * compared with the earlier sample of the same socket (matched by cookie); a socket opened between
 * the samples counts from zero. The denominator is data segments rather than {@code segs_out},
 * because pure ACKs are never retransmitted and would dilute a receiver's share. With {@code
 * --once} there is no interval, so the lifetime share {@code bytes_retrans / bytes_sent} is judged
 * instead. Only connections past the handshake count; a connection's SYN retransmissions stay in
 * its {@code total_retrans} (the kernel keeps one counter), which matters only for connections
 * opened during the interval. Sockets without tcp_info (the /proc source) are skipped.
 */
final class RetransmissionDetector implements Detector, Configurable {

  static final Threshold MIN_SEGMENTS =
      new Threshold(
          "retransmissions.min-segments",
          10,
          "",
          "Judge a destination only once at least this many segments to it were retransmitted.");
  static final Threshold FRACTION =
      new Threshold(
          "retransmissions.fraction",
          0.02,
          "%",
          "Warn when this share of what was sent to a destination was retransmitted.");
  static final Threshold CRITICAL_FRACTION =
      new Threshold(
          "retransmissions.critical-fraction",
          0.10,
          "%",
          "Critical when this share was retransmitted (throughput collapses).");

  /**
   * States in which a connection carries data. Handshakes are left out: their retransmissions are
   * SYNs (the syn-sent and syn-recv detectors' subject) and they have sent no data to compare with.
   */
  private static final Set<TcpState> DATA_STATES =
      EnumSet.of(
          TcpState.ESTABLISHED,
          TcpState.FIN_WAIT1,
          TcpState.FIN_WAIT2,
          TcpState.CLOSE_WAIT,
          TcpState.CLOSING,
          TcpState.LAST_ACK);

  @Override
  public String id() {
    return "retransmissions";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    RETRANSMITTED_SEGMENTS,
    SENT_SEGMENTS,
    RETRANSMITTED_BYTES,
    SENT_BYTES,
    RETRANSMITTED_PERCENT,
    CONNECTIONS,
    RETRANSMITTING_CONNECTIONS,
    RETRANSMISSIONS_PER_SECOND
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_SEGMENTS, FRACTION, CRITICAL_FRACTION);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    Earlier earlier =
        input.before().isPresent() && input.intervalSeconds() > 0
            ? Earlier.of(input.before().get())
            : null;
    boolean interval = earlier != null;
    // First pass: which peers retransmitted at all. Usually none or a few, so the second pass
    // allocates a group key only for sockets to those peers.
    Set<IpAddress> lossy = new HashSet<>();
    for (SocketRecord s : now.sockets()) {
      if (retransmitted(s, earlier) > 0) {
        lossy.add(s.remoteAddress());
      }
    }
    if (lossy.isEmpty()) {
      return List.of();
    }
    Connections connections = new Connections(now);
    Map<Dest, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : now.sockets()) {
      if (!lossy.contains(s.remoteAddress())) {
        continue;
      }
      long retrans = retransmitted(s, earlier);
      if (retrans < 0) {
        continue;
      }
      Group g = groups.computeIfAbsent(Dest.of(s, connections.inbound(s)), d -> new Group());
      g.add(s, retrans, dataSegmentsSent(s, earlier));
      g.processes.addOwners(now, s);
    }
    double minSegments = input.config().value(MIN_SEGMENTS);
    double warn = input.config().value(FRACTION);
    double critical = input.config().value(CRITICAL_FRACTION);
    List<Finding> out = new ArrayList<>();
    groups.forEach(
        (dest, g) -> {
          double fraction = g.fraction(interval);
          if (g.retransmitted >= minSegments && fraction >= warn) {
            out.add(finding(dest, g, fraction, fraction >= critical, input, interval));
          }
        });
    return out;
  }

  /**
   * Segments retransmitted in the interval (or over the socket's life with one sample), or -1 when
   * the socket cannot be judged.
   */
  private static long retransmitted(SocketRecord s, Earlier earlier) {
    long total = s.tcpInfo().totalRetrans();
    if (total == TcpInfo.ABSENT || !DATA_STATES.contains(s.state())) {
      return -1;
    }
    if (earlier == null) {
      return total;
    }
    int i = earlier.indexOf(s);
    if (i == Earlier.NEW) {
      return total;
    }
    long then = i < 0 ? TcpInfo.ABSENT : earlier.retrans[i];
    return then == TcpInfo.ABSENT || then > total ? -1 : total - then;
  }

  private static long dataSegmentsSent(SocketRecord s, Earlier earlier) {
    long now = segmentsOut(s.tcpInfo());
    if (now == TcpInfo.ABSENT || earlier == null) {
      return now;
    }
    int i = earlier.indexOf(s);
    if (i == Earlier.NEW) {
      return now;
    }
    long then = i < 0 ? TcpInfo.ABSENT : earlier.segments[i];
    return then == TcpInfo.ABSENT || then > now ? TcpInfo.ABSENT : now - then;
  }

  /** data_segs_out where the kernel has it (4.6+), else segs_out. */
  private static long segmentsOut(TcpInfo info) {
    long data = info.get(TcpInfoField.DATA_SEGS_OUT);
    return data != TcpInfo.ABSENT ? data : info.get(TcpInfoField.SEGS_OUT);
  }

  private Finding finding(
      Dest dest, Group g, double fraction, boolean critical, DoctorInput input, boolean interval) {
    String where = dest.describe();
    String period =
        interval ? "in the last " + HumanDuration.of(input.intervalSeconds()) : "over their life";
    String title =
        String.format(
            Locale.ROOT,
            "%.1f%% of what %s sent %s %s was retransmitted (%d segments): packets on that path are"
                + " lost",
            100 * fraction,
            g.processes.describe(),
            dest.inbound ? "to its clients " + where : "to " + where,
            period,
            g.retransmitted);
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(Keys.RETRANSMITTED_SEGMENTS, "retransmitted segments", g.retransmitted, ""));
    if (interval || g.bytesSent <= 0) {
      evidence.add(Evidence.of(Keys.SENT_SEGMENTS, "data segments sent", g.segments, ""));
    } else {
      evidence.add(
          Evidence.of(Keys.RETRANSMITTED_BYTES, "bytes retransmitted", g.bytesRetrans, "bytes"));
      evidence.add(Evidence.of(Keys.SENT_BYTES, "bytes sent", g.bytesSent, "bytes"));
    }
    evidence.add(
        Evidence.of(Keys.RETRANSMITTED_PERCENT, "retransmitted share", 100 * fraction, "%"));
    evidence.add(Evidence.of(Keys.CONNECTIONS, "connections", g.connections, ""));
    evidence.add(
        Evidence.of(
            Keys.RETRANSMITTING_CONNECTIONS, "connections retransmitting", g.retransmitting, ""));
    if (interval) {
      evidence.add(
          Evidence.of(
              Keys.RETRANSMISSIONS_PER_SECOND,
              "retransmissions per second",
              g.retransmitted / input.intervalSeconds(),
              "/s"));
    }
    return new Finding(
        id(),
        dest.key(),
        critical ? Severity.CRITICAL : Severity.WARNING,
        title,
        dest.inbound
            ? new Subject(g.processes.list(), dest.peer.toString(), dest.endpoint(), "")
            : new Subject(g.processes.list(), dest.endpoint(), "", ""),
        evidence,
        Optional.empty(),
        "Packets between this node and "
            + (dest.inbound ? dest.peer.toString() : dest.endpoint())
            + " are being lost, slowing "
            + g.processes.describe()
            + ": check the path (interface errors and drops with `ip -s link` and `ethtool -S`, a"
            + " congested or faulty link, NIC or switch port, a policer or overloaded middlebox,"
            + " an MTU black hole). Loss to one destination points at its path or host; loss to"
            + " every destination at this node's own link.");
  }

  /**
   * Where a group's segments go.
   *
   * @param inbound whether the peer is a client of a local listener
   * @param peer the peer's address
   * @param port the peer's port (outbound) or the local listening port (inbound)
   * @param local the local listening address (inbound), else the any-address
   */
  private record Dest(boolean inbound, IpAddress peer, int port, IpAddress local) {
    static Dest of(SocketRecord s, boolean inbound) {
      return inbound
          ? new Dest(true, s.remoteAddress(), s.localPort(), s.localAddress())
          : new Dest(false, s.remoteAddress(), s.remotePort(), IpAddress.V4_ANY);
    }

    /** The peer endpoint (outbound) or the local listening endpoint (inbound). */
    String endpoint() {
      return inbound ? Connections.endpoint(local, port) : Connections.endpoint(peer, port);
    }

    String describe() {
      return inbound ? peer + " on " + endpoint() : endpoint();
    }

    String key() {
      return inbound ? peer + "@" + endpoint() : endpoint();
    }
  }

  private static final class Group {
    final ProcessSet processes = new ProcessSet();
    long retransmitted;
    long segments;
    long bytesRetrans;
    long bytesSent;
    int connections;
    int retransmitting;

    void add(SocketRecord s, long retrans, long segs) {
      connections++;
      retransmitted += retrans;
      if (retrans > 0) {
        retransmitting++;
      }
      if (segs != TcpInfo.ABSENT) {
        segments += segs;
      }
      long br = s.tcpInfo().get(TcpInfoField.BYTES_RETRANS);
      long bs = s.tcpInfo().get(TcpInfoField.BYTES_SENT);
      if (br != TcpInfo.ABSENT && bs != TcpInfo.ABSENT) {
        bytesRetrans += br;
        bytesSent += bs;
      }
    }

    /** Share retransmitted: of data segments in the interval, else of bytes over the life. */
    double fraction(boolean interval) {
      if (!interval && bytesSent > 0) {
        return (double) bytesRetrans / bytesSent;
      }
      // No data sent: what was retransmitted were handshake or closing segments, not data loss.
      return segments > 0 ? (double) retransmitted / segments : 0;
    }
  }

  /**
   * The earlier sample's counters ({@link TcpInfo#ABSENT} where it had no tcp_info), sorted by
   * cookie, without a boxed map entry per socket.
   */
  private static final class Earlier {
    static final int NEW = Integer.MIN_VALUE;
    final long[] cookies;
    final long[] retrans;
    final long[] segments;

    private Earlier(long[] cookies) {
      this.cookies = cookies;
      this.retrans = new long[cookies.length];
      this.segments = new long[cookies.length];
    }

    /** The earlier sample's counters, or null when it has no cookies to match by (/proc). */
    static Earlier of(Snapshot before) {
      long[] cookies = new long[before.sockets().size()];
      int n = 0;
      for (SocketRecord s : before.sockets()) {
        if (s.cookie() != SocketRecord.ABSENT) {
          cookies[n++] = s.cookie();
        }
      }
      if (n == 0 && !before.sockets().isEmpty()) {
        return null;
      }
      cookies = Arrays.copyOf(cookies, n);
      Arrays.sort(cookies);
      Earlier e = new Earlier(cookies);
      for (SocketRecord s : before.sockets()) {
        if (s.cookie() != SocketRecord.ABSENT) {
          int i = Arrays.binarySearch(cookies, s.cookie());
          e.retrans[i] = s.tcpInfo().totalRetrans();
          e.segments[i] = segmentsOut(s.tcpInfo());
        }
      }
      return e;
    }

    /**
     * Index of the socket's earlier counters; {@link #NEW} when it was opened since (its whole life
     * is in the interval); -1 when it cannot be matched (no cookie).
     */
    int indexOf(SocketRecord s) {
      if (s.cookie() == SocketRecord.ABSENT) {
        return -1;
      }
      int i = Arrays.binarySearch(cookies, s.cookie());
      return i >= 0 ? i : NEW;
    }
  }
}
