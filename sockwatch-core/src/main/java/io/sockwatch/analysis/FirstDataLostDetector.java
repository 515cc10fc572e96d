package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Established connections whose handshake completed but whose first data never got through: data
 * was sent, nothing beyond the SYN was ever acknowledged, and the data is being retransmitted. The
 * path lets SYNs pass and loses data segments: a firewall or security group with asymmetric rules,
 * an MTU black hole (full-size segments vanish while the small handshake packets pass, and the ICMP
 * "fragmentation needed" that would shrink them is filtered), or a middlebox that forgot the
 * connection right after the handshake. It is the second failure shape next to {@link
 * SynSentDetector}'s: there connects never complete, here they complete and then go silent, which
 * the application sees as a request that hangs rather than a connect that fails.
 *
 * <p>"Nothing acknowledged" is tcp_info's {@code bytes_acked} at most 1 (the SYN takes one sequence
 * number); "data sent" is {@code unacked} or {@code data_segs_out} above 0. A connection whose data
 * was acknowledged but not yet answered is the peer being slow, not this finding. The retransmit
 * count is that of the outstanding data: the larger of tcp_info's {@code retransmits} and the
 * retransmit timer's count ({@code idiag_retrans}). The kernel resets both when an ACK advances, so
 * SYN retransmissions before the handshake do not count; {@code total_retrans} is not used for the
 * same reason, as it keeps them. Sockets without tcp_info (the /proc source), or with one too short
 * for {@code bytes_acked}, are skipped: absent is never taken for zero.
 */
final class FirstDataLostDetector implements Detector, Configurable {

  static final Threshold MIN_RETRANSMITS =
      new Threshold(
          "first-data-lost.min-retransmits",
          1,
          "",
          "Report connections whose first data was retransmitted at least this often.");
  static final Threshold CRITICAL_RETRANSMITS =
      new Threshold(
          "first-data-lost.critical-retransmits",
          3,
          "",
          "Critical when a connection's first data was retransmitted this often.");

  @Override
  public String id() {
    return "first-data-lost";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    STALLED_CONNECTIONS,
    MAX_FIRST_DATA_RETRANSMITS,
    LONGEST_SINCE_ACK_SECONDS,
    UNACKED_BYTES,
    SENT_BYTES,
    SND_MSS_BYTES,
    PMTU_BYTES
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_RETRANSMITS, CRITICAL_RETRANSMITS);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    double min = Math.max(1, input.config().value(MIN_RETRANSMITS));
    Connections connections = null;
    Map<Connections.GroupKey, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : input.after().sockets()) {
      if (s.state() != TcpState.ESTABLISHED || !firstDataUnacknowledged(s.tcpInfo())) {
        continue;
      }
      int retransmits = retransmits(s);
      if (retransmits < min) {
        continue;
      }
      if (connections == null) {
        connections = new Connections(input.after());
      }
      groups.computeIfAbsent(connections.keyOf(s), k -> new Group()).add(s, retransmits);
    }
    double critical = input.config().value(CRITICAL_RETRANSMITS);
    List<Finding> out = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> out.add(finding(key, g, critical)));
    return out;
  }

  /** Data was sent and nothing beyond the SYN acknowledged; false when tcp_info cannot tell. */
  private static boolean firstDataUnacknowledged(TcpInfo info) {
    long acked = info.get(TcpInfoField.BYTES_ACKED);
    if (acked == TcpInfo.ABSENT || acked > 1) {
      return false;
    }
    return info.get(TcpInfoField.UNACKED) > 0 || info.get(TcpInfoField.DATA_SEGS_OUT) > 0;
  }

  /**
   * Retransmissions of the outstanding data, from whichever count is larger. The timer's count is
   * taken only from the retransmit timer: a zero-window or keepalive timer counts probes instead.
   */
  private static int retransmits(SocketRecord s) {
    long fromInfo = s.tcpInfo().get(TcpInfoField.RETRANSMITS);
    long fromTimer = s.timer() == SocketTimer.RETRANSMIT ? s.timerRetransmits() : 0;
    return (int) Math.max(Math.max(0, fromTimer), fromInfo);
  }

  private Finding finding(Connections.GroupKey key, Group g, double critical) {
    String title =
        String.format(
            Locale.ROOT,
            "%d connection%s %s completed the handshake but the first data was never"
                + " acknowledged: retransmitted up to %d time%s%s",
            g.count,
            g.count == 1 ? "" : "s",
            Connections.phrase(key, g.peers),
            g.maxRetransmits,
            g.maxRetransmits == 1 ? "" : "s",
            g.longestSilenceMillis < 0
                ? ""
                : ", no ACK from the peer for "
                    + HumanDuration.of(g.longestSilenceMillis / 1000.0));
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(
            Keys.STALLED_CONNECTIONS, "connections with unacknowledged first data", g.count, ""));
    evidence.add(
        Evidence.of(
            Keys.MAX_FIRST_DATA_RETRANSMITS,
            "most retransmits of the first data",
            g.maxRetransmits,
            ""));
    if (g.longestSilenceMillis >= 0) {
      evidence.add(
          Evidence.of(
              Keys.LONGEST_SINCE_ACK_SECONDS,
              "longest since the peer's last ACK",
              g.longestSilenceMillis / 1000.0,
              "s"));
    }
    evidence.add(Evidence.of(Keys.UNACKED_BYTES, "unacknowledged bytes", g.unackedBytes, "bytes"));
    if (g.bytesSent >= 0) {
      evidence.add(
          Evidence.of(
              Keys.SENT_BYTES, "bytes sent, retransmissions included", g.bytesSent, "bytes"));
    }
    if (g.sndMss > 0) {
      evidence.add(
          Evidence.of(Keys.SND_MSS_BYTES, "largest segment size (snd_mss)", g.sndMss, "bytes"));
    }
    if (g.pmtu > 0) {
      evidence.add(Evidence.of(Keys.PMTU_BYTES, "path MTU", g.pmtu, "bytes"));
    }
    return new Finding(
        id(),
        key.findingKey(),
        g.maxRetransmits >= critical ? Severity.CRITICAL : Severity.WARNING,
        title,
        Connections.subject(key, g.peers),
        evidence,
        Optional.empty(),
        remediation(key, g));
  }

  private static String remediation(Connections.GroupKey key, Group g) {
    String peer = key.inbound() ? g.peers.describe() : key.endpoint();
    StringBuilder sb = new StringBuilder();
    sb.append("The handshake between ")
        .append(key.who())
        .append(" and ")
        .append(peer)
        .append(
            " completes but its data never arrives, so something on the path passes SYNs and"
                + " drops data segments. Check the firewalls, security groups and network policies"
                + " between them for rules that differ by direction or accept only the handshake,"
                + " and any NAT, load balancer or IPS that may drop the connection right after it."
                + " If the data fills full-size segments");
    if (g.sndMss > 0) {
      sb.append(" (snd_mss ").append(g.sndMss).append(" bytes");
      if (g.pmtu > 0) {
        sb.append(", path MTU ").append(g.pmtu);
      }
      sb.append(')');
    }
    sb.append(
        ", suspect an MTU black hole: a link with a smaller MTU drops them while the ICMP"
            + " \"fragmentation needed\" (ICMPv6 \"packet too big\") that would shrink them is"
            + " filtered. Let that ICMP through (Path MTU discovery), clamp the MSS on the router"
            + " (nftables: tcp flags syn tcp option maxseg size set rt mtu), or set"
            + " net.ipv4.tcp_mtu_probing=1 on this node. Until then ");
    sb.append(key.who())
        .append(
            " hangs on these requests for the whole retransmission timeout"
                + " (net.ipv4.tcp_retries2=15: about 15 min): give it a request timeout.");
    return sb.toString();
  }

  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    int count;
    int maxRetransmits;
    long longestSilenceMillis = -1;
    long unackedBytes;
    long bytesSent;
    long sndMss;
    long pmtu;

    void add(SocketRecord s, int retransmits) {
      TcpInfo info = s.tcpInfo();
      count++;
      peers.add(s);
      maxRetransmits = Math.max(maxRetransmits, retransmits);
      longestSilenceMillis = Math.max(longestSilenceMillis, info.lastAckRecvMillis());
      unackedBytes += Math.max(0, s.sendQueue());
      long sent = info.get(TcpInfoField.BYTES_SENT);
      // Older kernels lack bytes_sent: leave it out of the evidence rather than undercount it.
      bytesSent = sent == TcpInfo.ABSENT || bytesSent < 0 ? -1 : bytesSent + sent;
      sndMss = Math.max(sndMss, info.get(TcpInfoField.SND_MSS));
      pmtu = Math.max(pmtu, info.get(TcpInfoField.PMTU));
    }
  }
}
