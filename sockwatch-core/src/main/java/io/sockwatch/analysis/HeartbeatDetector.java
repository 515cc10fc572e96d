package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpInfo;
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
 * Connections on a port with a declared application heartbeat ({@code --expect-heartbeat 5672=10s})
 * that carried no data in either direction for longer than the tolerance times the interval: the
 * heartbeat the protocol promises is not happening. Typical causes are a heartbeat option that was
 * never applied (a misspelled {@code hearbeat=10} is silently ignored by many clients) or one
 * negotiated down to 0 by the peer. A heartbeat is data, so only tcp_info's data times count
 * ({@code last_data_recv}, {@code last_data_sent}); both must be older than the limit, since either
 * side may be the one that sends. The declared port may be the local one (this node is the server)
 * or the remote one (this node is the client).
 */
final class HeartbeatDetector implements Detector, Configurable {

  static final Threshold TOLERANCE =
      new Threshold(
          "heartbeat.tolerance",
          2.0,
          "",
          "Report a connection silent for longer than this many declared heartbeat intervals.");

  @Override
  public String id() {
    return "heartbeat";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    QUIET_CONNECTIONS,
    HEARTBEAT_INTERVAL_SECONDS,
    TOLERANCE_INTERVALS,
    LONGEST_SILENCE_SECONDS,
    SINCE_LAST_RECEIVED_SECONDS,
    SINCE_LAST_SENT_SECONDS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(TOLERANCE);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Map<Integer, Double> heartbeats = input.config().heartbeats();
    if (heartbeats.isEmpty()) {
      return List.of();
    }
    // Indexed by port, so the per-socket lookup neither boxes nor hashes.
    double[] intervalByPort = new double[65536];
    heartbeats.forEach(
        (port, seconds) -> {
          if (port >= 0 && port < intervalByPort.length && seconds > 0) {
            intervalByPort[port] = seconds;
          }
        });
    double tolerance = input.config().value(TOLERANCE);
    Connections connections = new Connections(input.after());
    Map<Connections.GroupKey, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : input.after().sockets()) {
      if (s.state() != TcpState.ESTABLISHED) {
        continue;
      }
      int port = intervalByPort[s.localPort()] > 0 ? s.localPort() : s.remotePort();
      double interval = intervalByPort[port];
      if (interval <= 0) {
        continue;
      }
      long recv = s.tcpInfo().lastDataRecvMillis();
      long sent = s.tcpInfo().lastDataSentMillis();
      if (recv == TcpInfo.ABSENT || sent == TcpInfo.ABSENT) {
        continue;
      }
      double limitMillis = tolerance * interval * 1000;
      if (recv <= limitMillis || sent <= limitMillis) {
        continue;
      }
      int declaredPort = port;
      double declared = interval;
      groups
          .computeIfAbsent(connections.keyOf(s), k -> new Group(declaredPort, declared))
          .add(s, Math.min(recv, sent), recv, sent);
    }
    List<Finding> out = new ArrayList<>(groups.size());
    groups.forEach((key, g) -> out.add(finding(key, g, tolerance)));
    return out;
  }

  private Finding finding(Connections.GroupKey key, Group g, double tolerance) {
    double silent = g.quietestMillis / 1000.0;
    String title =
        String.format(
            Locale.ROOT,
            "%d connection%s %s %s quieter than the promised %s heartbeat: no data for %s",
            g.count,
            g.count == 1 ? "" : "s",
            Connections.phrase(key, g.peers),
            g.count == 1 ? "is" : "are",
            HumanDuration.of(g.interval),
            HumanDuration.of(silent));
    List<Evidence> evidence =
        List.of(
            Evidence.of(Keys.QUIET_CONNECTIONS, "quiet connections", g.count, ""),
            Evidence.of(
                Keys.HEARTBEAT_INTERVAL_SECONDS, "declared heartbeat interval", g.interval, "s"),
            Evidence.of(Keys.TOLERANCE_INTERVALS, "tolerance", tolerance, "intervals"),
            Evidence.of(Keys.LONGEST_SILENCE_SECONDS, "longest without data", silent, "s"),
            Evidence.of(
                Keys.SINCE_LAST_RECEIVED_SECONDS,
                "last data received (quietest)",
                g.quietestRecvMillis / 1000.0,
                "s"),
            Evidence.of(
                Keys.SINCE_LAST_SENT_SECONDS,
                "last data sent (quietest)",
                g.quietestSentMillis / 1000.0,
                "s"));
    String peer = key.inbound() ? g.peers.describe() : key.endpoint();
    return new Finding(
        id(),
        key.findingKey(),
        Severity.WARNING,
        title,
        Connections.subject(key, g.peers),
        evidence,
        Optional.empty(),
        "Check that "
            + key.who()
            + " really enables its heartbeat on port "
            + g.port
            + " (a misspelled option such as 'hearbeat' is silently ignored by many clients) and"
            + " that "
            + peer
            + " does not negotiate it down to 0; without it, a dead peer or a middlebox that"
            + " dropped the connection goes unnoticed. If the interval changed, update"
            + " --expect-heartbeat "
            + g.port
            + "=<interval>.");
  }

  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    final int port;
    final double interval;
    int count;
    long quietestMillis = -1;
    long quietestRecvMillis;
    long quietestSentMillis;

    Group(int port, double interval) {
      this.port = port;
      this.interval = interval;
    }

    void add(SocketRecord s, long quietMillis, long recvMillis, long sentMillis) {
      count++;
      peers.add(s);
      if (quietMillis > quietestMillis) {
        quietestMillis = quietMillis;
        quietestRecvMillis = recvMillis;
        quietestSentMillis = sentMillis;
      }
    }
  }
}
