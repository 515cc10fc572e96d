package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Established connections that sit idle with nothing that would keep a stateful middlebox (NAT,
 * firewall, load balancer) from forgetting them: no keepalive timer at all, or one that fires only
 * after the middlebox's idle timeout. Such a connection looks fine here until the application uses
 * it and waits for a reply that never comes.
 *
 * <p>The timeout is the one {@code probe-idle} measured to the connection's peer ({@link
 * DoctorConfig#measured()}: the longest idle a probe survived), else the assumed {@link
 * DoctorConfig#middleboxIdleSeconds()}.
 *
 * <p>Idle time is the time since the path last carried a packet this end can see: the least of
 * tcp_info's {@code last_data_recv}, {@code last_data_sent} and {@code last_ack_recv}. The ACK time
 * matters because keepalive probes carry no data: a connection probed every minute has old data
 * times but a fresh ACK time. A keepalive timer fires late when idle time plus the time until it
 * fires exceeds the middlebox timeout. When both ends are in the table (loopback, pods on one
 * node), a connection whose other end keeps it alive is not reported. Sockets without tcp_info (the
 * /proc source) cannot be judged and are skipped.
 */
final class IdleConnectionDetector implements Detector, Configurable {

  static final Threshold MIN_IDLE =
      new Threshold(
          "idle-connections.min-idle",
          300,
          "s",
          "Report connections idle at least this long (never more than half the middlebox idle"
              + " timeout).");

  /** net.ipv4.tcp_keepalive_time when nobody changed it. */
  private static final long KERNEL_DEFAULT_KEEPALIVE = 7200;

  @Override
  public String id() {
    return "idle-connections";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    IDLE_CONNECTIONS,
    LONGEST_IDLE_SECONDS,
    NO_KEEPALIVE_CONNECTIONS,
    LATE_KEEPALIVE_CONNECTIONS,
    SILENT_UNTIL_FIRST_PROBE_SECONDS,
    MIDDLEBOX_SURVIVED_SECONDS,
    MIDDLEBOX_DIED_SECONDS,
    ASSUMED_MIDDLEBOX_TIMEOUT_SECONDS,
    TCP_KEEPALIVE_TIME_SECONDS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_IDLE);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    DoctorConfig config = input.config();
    double minIdleSeconds = config.value(MIN_IDLE);
    Connections connections = new Connections(now);
    Set<Tuple> keptAlive = null;
    Map<Connections.GroupKey, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.ESTABLISHED) {
        continue;
      }
      long idle = idleMillis(s.tcpInfo());
      if (idle == TcpInfo.ABSENT) {
        continue;
      }
      Optional<MeasuredTimeout> measured = config.measured().forPeer(s.remoteAddress());
      double limit =
          measured.map(MeasuredTimeout::limitSeconds).orElse(config.middleboxIdleSeconds());
      long limitMillis = (long) (limit * 1000);
      if (idle < (long) (1000 * Math.min(minIdleSeconds, limit / 2))) {
        continue;
      }
      long untilProbe = probeAfterMillis(s, idle);
      if (untilProbe != TcpInfo.ABSENT && untilProbe <= limitMillis) {
        continue;
      }
      if (keptAlive == null) {
        keptAlive = keptAlive(now, config);
      }
      if (keptAlive.contains(
          Tuple.of(s.remoteAddress(), s.remotePort(), s.localAddress(), s.localPort()))) {
        continue;
      }
      groups
          .computeIfAbsent(connections.keyOf(s), k -> new Group())
          .add(s, idle, untilProbe, limit, measured);
    }
    List<Finding> out = new ArrayList<>(groups.size());
    OptionalLong keepaliveTime = input.node().tunables().keepaliveTimeSeconds();
    groups.forEach((key, g) -> out.add(finding(key, g, keepaliveTime)));
    return out;
  }

  /**
   * Milliseconds since the path last carried a packet this end sees, or {@link TcpInfo#ABSENT}
   * without tcp_info.
   */
  private static long idleMillis(TcpInfo info) {
    long recv = info.lastDataRecvMillis();
    long sent = info.lastDataSentMillis();
    if (recv == TcpInfo.ABSENT || sent == TcpInfo.ABSENT) {
      return TcpInfo.ABSENT;
    }
    long idle = Math.min(recv, sent);
    long ack = info.lastAckRecvMillis();
    return ack == TcpInfo.ABSENT ? idle : Math.min(idle, ack);
  }

  /**
   * How long the path will have been silent when the keepalive timer fires, or {@link
   * TcpInfo#ABSENT} without a keepalive timer.
   */
  private static long probeAfterMillis(SocketRecord s, long idle) {
    return s.timer() == SocketTimer.KEEPALIVE
        ? idle + Math.max(0, s.timerExpiresMillis())
        : TcpInfo.ABSENT;
  }

  /** Established sockets whose own keepalive fires in time, as (local, remote) tuples. */
  private static Set<Tuple> keptAlive(Snapshot now, DoctorConfig config) {
    Set<Tuple> out = new HashSet<>();
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.ESTABLISHED || s.timer() != SocketTimer.KEEPALIVE) {
        continue;
      }
      long idle = idleMillis(s.tcpInfo());
      double limit =
          config
              .measured()
              .forPeer(s.remoteAddress())
              .map(MeasuredTimeout::limitSeconds)
              .orElse(config.middleboxIdleSeconds());
      if (idle != TcpInfo.ABSENT && probeAfterMillis(s, idle) <= (long) (limit * 1000)) {
        out.add(Tuple.of(s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort()));
      }
    }
    return out;
  }

  private Finding finding(Connections.GroupKey key, Group g, OptionalLong keepaliveTime) {
    double middlebox = g.limitSeconds;
    double longest = g.longestIdleMillis / 1000.0;
    // Past a measured timeout's upper end the connection is certainly forgotten; between its ends
    // it may be, and past an assumed timeout it likely is.
    boolean dead = longest > g.measured.map(MeasuredTimeout::diedSeconds).orElse(middlebox);
    String how =
        g.withoutKeepalive > 0
            ? (g.lateKeepalive > 0
                ? "without keepalive or with keepalive too late"
                : "without keepalive")
            : "with keepalive probes due only after "
                + HumanDuration.of(g.latestProbeMillis / 1000.0);
    String title =
        String.format(
            Locale.ROOT,
            "%d connection%s %s idle up to %s %s; a middlebox forgets %s after %s%s%s",
            g.count,
            g.count == 1 ? "" : "s",
            Connections.phrase(key, g.peers),
            HumanDuration.of(longest),
            how,
            g.count == 1 ? "it" : "them",
            HumanDuration.of(middlebox),
            g.measured.isPresent() ? " (measured)" : "",
            dead ? ": likely dead already" : "");
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(Keys.IDLE_CONNECTIONS, "idle connections", g.count, ""));
    evidence.add(Evidence.of(Keys.LONGEST_IDLE_SECONDS, "longest idle", longest, "s"));
    evidence.add(
        Evidence.of(Keys.NO_KEEPALIVE_CONNECTIONS, "without keepalive", g.withoutKeepalive, ""));
    evidence.add(
        Evidence.of(Keys.LATE_KEEPALIVE_CONNECTIONS, "keepalive too late", g.lateKeepalive, ""));
    if (g.lateKeepalive > 0) {
      evidence.add(
          Evidence.of(
              Keys.SILENT_UNTIL_FIRST_PROBE_SECONDS,
              "silent until the first keepalive probe",
              g.latestProbeMillis / 1000.0,
              "s"));
    }
    if (g.measured.isPresent()) {
      MeasuredTimeout m = g.measured.get();
      evidence.add(
          Evidence.of(
              Keys.MIDDLEBOX_SURVIVED_SECONDS,
              "measured middlebox idle timeout: survived",
              m.survivedSeconds(),
              "s"));
      evidence.add(
          Evidence.of(
              Keys.MIDDLEBOX_DIED_SECONDS,
              "measured middlebox idle timeout: died",
              m.diedSeconds(),
              "s"));
    } else {
      evidence.add(
          Evidence.of(
              Keys.ASSUMED_MIDDLEBOX_TIMEOUT_SECONDS,
              "assumed middlebox idle timeout",
              middlebox,
              "s"));
    }
    keepaliveTime.ifPresent(
        t ->
            evidence.add(
                Evidence.of(Keys.TCP_KEEPALIVE_TIME_SECONDS, "tcp_keepalive_time", t, "s")));
    return new Finding(
        id(),
        key.findingKey(),
        dead ? Severity.CRITICAL : Severity.WARNING,
        title,
        Connections.subject(key, g.peers),
        evidence,
        // Idle time grows by one second per second until traffic resets it.
        Optional.of(
            Headroom.growing(
                "idle time before a middlebox drops the connection", longest, middlebox, "s", 1)),
        remediation(key, g, middlebox, keepaliveTime));
  }

  private static String remediation(
      Connections.GroupKey key, Group g, double middlebox, OptionalLong keepaliveTime) {
    String half = String.format(Locale.ROOT, "%.0f", middlebox / 2);
    String limit = String.format(Locale.ROOT, "%.0f s", middlebox);
    String where = key.inbound() ? "accepted on " + key.endpoint() : "to " + key.endpoint();
    StringBuilder sb = new StringBuilder();
    sb.append("In ")
        .append(key.who())
        .append(", enable SO_KEEPALIVE on the connections ")
        .append(where)
        .append(" with TCP_KEEPIDLE below the middlebox timeout (e.g. TCP_KEEPIDLE=")
        .append(half)
        .append(", half of ")
        .append(limit)
        .append("), or lower net.ipv4.tcp_keepalive_time");
    if (keepaliveTime.isPresent()) {
      sb.append(" (now ").append(keepaliveTime.getAsLong()).append(" s)");
    }
    sb.append(" below ")
        .append(limit)
        .append(
            " (it applies only to sockets with SO_KEEPALIVE), or send an application heartbeat"
                + " at least every ")
        .append(half)
        .append(" s.");
    if (keepaliveTime.isPresent() && keepaliveTime.getAsLong() > middlebox) {
      long t = keepaliveTime.getAsLong();
      sb.append(" tcp_keepalive_time (")
          .append(t)
          .append(
              t == KERNEL_DEFAULT_KEEPALIVE ? " s, the kernel's default" : " s here; the kernel's")
          .append(t == KERNEL_DEFAULT_KEEPALIVE ? "" : " default is 7200 s")
          .append(") is longer than the ")
          .append(limit)
          .append(
              " a middlebox on the path keeps idle connections, so SO_KEEPALIVE alone does not"
                  + " keep them alive.");
    }
    return sb.toString();
  }

  /**
   * A connection's endpoints in one direction, IPv4-mapped addresses as plain IPv4: a dual-stack
   * server sees its IPv4 client as {@code ::ffff:a.b.c.d} while the client sees {@code a.b.c.d}.
   */
  private record Tuple(IpAddress local, int localPort, IpAddress remote, int remotePort) {
    static Tuple of(IpAddress local, int localPort, IpAddress remote, int remotePort) {
      return new Tuple(plain(local), localPort, plain(remote), remotePort);
    }

    private static IpAddress plain(IpAddress a) {
      return a.isV4Mapped() ? IpAddress.ofV4((int) a.lo()) : a;
    }
  }

  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    int count;
    int withoutKeepalive;
    int lateKeepalive;
    long longestIdleMillis;
    long latestProbeMillis;
    double limitSeconds = Double.POSITIVE_INFINITY;
    Optional<MeasuredTimeout> measured = Optional.empty();

    void add(
        SocketRecord s,
        long idleMillis,
        long probeAfterMillis,
        double limit,
        Optional<MeasuredTimeout> measuredTimeout) {
      count++;
      if (limit < limitSeconds) {
        limitSeconds = limit;
        measured = measuredTimeout;
      }
      peers.add(s);
      longestIdleMillis = Math.max(longestIdleMillis, idleMillis);
      if (probeAfterMillis == TcpInfo.ABSENT) {
        withoutKeepalive++;
      } else {
        lateKeepalive++;
        latestProbeMillis = Math.max(latestProbeMillis, probeAfterMillis);
      }
    }
  }
}
