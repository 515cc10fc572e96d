package io.sockwatch.analysis;

import io.sockwatch.analysis.PortSpace.TupleKey;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Ephemeral-port headroom of outgoing connections. {@code connect()} picks a local port from {@code
 * net.ipv4.ip_local_port_range} that no socket with the same (local IP, remote IP, remote port)
 * uses, so each such 4-tuple space has its own budget: the range minus reserved ports ({@code
 * ip_local_reserved_ports}) and ports held by listeners. Every non-LISTEN socket in that space
 * spends a port, TIME_WAIT included; when none is left, {@code connect()} fails with EADDRNOTAVAIL
 * ("Cannot assign requested address") although the host looks idle.
 *
 * <p>With {@code tcp_tw_reuse} (1 for all destinations, 2 only where the local or remote address is
 * loopback) {@code connect()} may take over a TIME_WAIT port whose last timestamp is older than 1
 * s, so severity is judged on the ports that block new connections, and both numbers are reported.
 * The forecast uses the rate of new TIME_WAIT between the two samples: a pattern that closes {@code
 * r} connections/s keeps about {@code r x 60 s} ports in TIME_WAIT (TCP_TIMEWAIT_LEN).
 */
final class EphemeralPortDetector implements Detector, Configurable {

  static final Threshold WARNING =
      new Threshold(
          "ephemeral-ports.warning",
          0.50,
          "%",
          "Warn when connections to one destination block this much of the local port range.");
  static final Threshold CRITICAL =
      new Threshold(
          "ephemeral-ports.critical",
          0.80,
          "%",
          "Critical when connections to one destination block this much of the local port range.");

  /**
   * TIME_WAIT younger than this is not reused even with tcp_tw_reuse: the kernel needs the clock to
   * have moved past the last timestamp seen (the default of {@code tcp_tw_reuse_delay}, 1000 ms).
   */
  static final long REUSE_AGE_MILLIS = 1000;

  private static final long TIME_WAIT_MILLIS = (long) (PortSpace.TIME_WAIT_SECONDS * 1000);

  @Override
  public String id() {
    return "ephemeral-ports";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    PORTS_IN_USE,
    TIME_WAIT_PORTS,
    REUSABLE_TIME_WAIT_PORTS,
    BLOCKING_PORTS,
    USABLE_PORTS,
    IP_LOCAL_PORT_RANGE_PORTS,
    RESERVED_OR_LISTENING_PORTS,
    TCP_TW_REUSE,
    NEW_TIME_WAIT_PER_SECOND,
    FORECAST_BLOCKING_PORTS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(WARNING, CRITICAL);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    KernelTunables t = input.node().tunables();
    if (t.localPortRange().isEmpty()) {
      return List.of(); // why it is missing is already in the node's unavailable list
    }
    PortRange range = t.localPortRange().get();
    Snapshot now = input.after();
    // connect() skips ports held by bind(): listeners (which also marks inbound connections,
    // whose local port is the listener's) and reserved ports.
    BitSet skipped = PortSpace.listeningPorts(now.sockets());
    for (PortRange r : t.reservedPorts()) {
      skipped.set(r.low(), r.high() + 1);
    }
    int skippedInRange = skipped.get(range.low(), range.high() + 1).cardinality();
    Budget budget =
        new Budget(
            range,
            skippedInRange,
            range.size() - skippedInRange,
            t.twReuse().isPresent() ? (int) t.twReuse().getAsLong() : -1);

    Set<Long> fresh = PortSpace.ratesKnown(input) ? input.newCookies() : null;
    Map<TupleKey, Group> groups = new HashMap<>();
    TupleKey probe = new TupleKey();
    for (SocketRecord s : now.sockets()) {
      int port = s.localPort();
      if (!range.contains(port)
          || skipped.get(port)
          || s.state() == TcpState.LISTEN
          || s.state() == TcpState.CLOSE
          || s.remotePort() == 0) {
        continue;
      }
      probe.set(
          PortSpace.unmapped(s.localAddress()),
          PortSpace.unmapped(s.remoteAddress()),
          s.remotePort());
      Group g = groups.get(probe);
      if (g == null) {
        TupleKey key = probe.copy();
        g = new Group(key);
        groups.put(key, g);
      }
      g.add(s, now, fresh);
    }

    List<Finding> findings = new ArrayList<>();
    for (Group g : groups.values()) {
      Finding f = judge(g, budget, fresh == null ? 0 : input.intervalSeconds(), input.config());
      if (f != null) {
        findings.add(f);
      }
    }
    return findings;
  }

  /** The port budget every 4-tuple space of this node shares. */
  private record Budget(PortRange range, int skipped, int capacity, int twReuse) {}

  /** One (local IP, remote IP, remote port) space. */
  private static final class Group {
    final TupleKey key;
    int used;
    int timeWait;
    int oldTimeWait;
    int newTimeWait;
    final Set<ProcessInfo> owners = new LinkedHashSet<>();
    // Owner lists are shared per process (SocketOwners), and a space's sockets mostly belong to
    // one process: skipping the list just added saves a set insertion per socket.
    private List<ProcessInfo> lastOwners = List.of();

    Group(TupleKey key) {
      this.key = key;
    }

    void add(SocketRecord s, Snapshot snapshot, Set<Long> fresh) {
      used++;
      if (s.state() != TcpState.TIME_WAIT) {
        List<ProcessInfo> who = snapshot.ownersOf(s);
        if (who != lastOwners) {
          owners.addAll(who);
          lastOwners = who;
        }
        return;
      }
      timeWait++;
      // The timer counts down the 60 s of TIME_WAIT; without it the age is unknown and the socket
      // counts as old, as it is for 59 of its 60 seconds.
      boolean young =
          s.timer() == SocketTimer.TIME_WAIT
              && s.timerExpiresMillis() != SocketRecord.ABSENT
              && TIME_WAIT_MILLIS - s.timerExpiresMillis() < REUSE_AGE_MILLIS;
      if (!young) {
        oldTimeWait++;
      }
      if (fresh != null && fresh.contains(s.cookie())) {
        newTimeWait++;
      }
    }
  }

  /** The finding for one space, or null when it has room. */
  private Finding judge(Group g, Budget b, double interval, DoctorConfig config) {
    IpAddress local = g.key.local;
    IpAddress remote = g.key.remote;
    boolean loopback = local.isLoopback() || remote.isLoopback();
    boolean reuses = b.twReuse() == 1 || (b.twReuse() == 2 && loopback);
    int reusable = reuses ? g.oldTimeWait : 0;
    int blocking = g.used - reusable;
    int active = g.used - g.timeWait;
    double usedFraction = fraction(g.used, b.capacity());
    double blockingFraction = fraction(blocking, b.capacity());

    OptionalDouble rate =
        interval > 0 ? OptionalDouble.of(g.newTimeWait / interval) : OptionalDouble.empty();
    double window = reuses ? REUSE_AGE_MILLIS / 1000.0 : PortSpace.TIME_WAIT_SECONDS;
    double steady = active + (rate.isPresent() ? rate.getAsDouble() * window : 0);
    boolean runsOut = rate.isPresent() && rate.getAsDouble() > 0 && steady >= b.capacity();

    Severity severity;
    if (blockingFraction >= config.value(CRITICAL)) {
      severity = Severity.CRITICAL;
    } else if (blockingFraction >= config.value(WARNING) || runsOut) {
      severity = Severity.WARNING;
    } else if (reuses && usedFraction >= config.value(WARNING)) {
      severity = Severity.INFO;
    } else {
      return null;
    }

    String destination = PortSpace.endpoint(remote, g.key.port);
    // Blocking use grows at the new-TIME_WAIT rate only while that rate runs the ports out.
    double growth = rate.isEmpty() ? Double.NaN : runsOut ? rate.getAsDouble() : 0;
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(Keys.PORTS_IN_USE, "local ports in use, TIME_WAIT included", g.used, "ports"));
    evidence.add(Evidence.of(Keys.TIME_WAIT_PORTS, "in TIME_WAIT", g.timeWait, "ports"));
    if (reuses) {
      evidence.add(
          Evidence.of(
              Keys.REUSABLE_TIME_WAIT_PORTS,
              "TIME_WAIT reusable by tcp_tw_reuse (older than 1 s)",
              reusable,
              "ports"));
    }
    evidence.add(Evidence.of(Keys.BLOCKING_PORTS, "blocking new connections", blocking, "ports"));
    evidence.add(Evidence.of(Keys.USABLE_PORTS, "usable local ports", b.capacity(), "ports"));
    evidence.add(
        Evidence.of(
            Keys.IP_LOCAL_PORT_RANGE_PORTS,
            "ip_local_port_range " + b.range().low() + "-" + b.range().high(),
            b.range().size(),
            "ports"));
    if (b.skipped() > 0) {
      evidence.add(
          Evidence.of(
              Keys.RESERVED_OR_LISTENING_PORTS,
              "reserved or listening ports in the range",
              b.skipped(),
              "ports"));
    }
    if (b.twReuse() >= 0) {
      evidence.add(Evidence.of(Keys.TCP_TW_REUSE, "tcp_tw_reuse", b.twReuse(), ""));
    }
    if (rate.isPresent()) {
      evidence.add(
          Evidence.of(
              Keys.NEW_TIME_WAIT_PER_SECOND, "new TIME_WAIT per second", rate.getAsDouble(), "/s"));
      evidence.add(
          Evidence.of(
              Keys.FORECAST_BLOCKING_PORTS, "forecast steady-state blocking use", steady, "ports"));
    }
    return new Finding(
        id(),
        local + "->" + destination,
        severity,
        title(g, b, destination, blocking, reusable, blockingFraction, runsOut, steady),
        new Subject(PortSpace.names(g.owners), destination, local.toString(), ""),
        evidence,
        Optional.of(
            Headroom.growing(
                "local ports from " + local + " to " + destination,
                blocking,
                b.capacity(),
                "ports",
                growth)),
        remediation(b, destination, remote, loopback, reuses, g.timeWait, active));
  }

  private static double fraction(int used, int capacity) {
    return capacity <= 0 ? 1 : (double) used / capacity;
  }

  private static String title(
      Group g,
      Budget b,
      String destination,
      int blocking,
      int reusable,
      double blockingFraction,
      boolean runsOut,
      double steady) {
    StringBuilder sb = new StringBuilder();
    if (runsOut && blockingFraction < 1) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Ephemeral ports to %s will run out: the current churn keeps ~%.0f of %d"
                  + " busy (%d now)",
              destination,
              steady,
              b.capacity(),
              blocking));
    } else {
      sb.append(
          String.format(
              Locale.ROOT,
              "Ephemeral ports to %s are %.0f%% used: %d of %d block new connections",
              destination,
              100 * blockingFraction,
              blocking,
              b.capacity()));
    }
    if (g.timeWait > 0) {
      sb.append("; ").append(timeWaitClause(g, b, reusable));
    }
    return sb.toString();
  }

  /** What tcp_tw_reuse does with this space's TIME_WAIT, in words. */
  private static String timeWaitClause(Group g, Budget b, int reusable) {
    String dest = g.key.remote.toString();
    if (b.twReuse() < 0) {
      return g.timeWait + " are TIME_WAIT (tcp_tw_reuse unknown: counted as blocking)";
    }
    if (b.twReuse() == 0) {
      return g.timeWait + " are TIME_WAIT, which tcp_tw_reuse=0 does not let new connections reuse";
    }
    if (b.twReuse() == 2 && !(g.key.local.isLoopback() || g.key.remote.isLoopback())) {
      return g.timeWait
          + " are TIME_WAIT, which tcp_tw_reuse=2 does not reuse: it applies to loopback only,"
          + " and "
          + dest
          + " is not loopback";
    }
    return "tcp_tw_reuse="
        + b.twReuse()
        + " makes "
        + reusable
        + " of the "
        + g.timeWait
        + " TIME_WAIT ports reusable by new connections ("
        + g.used
        + " used including TIME_WAIT)";
  }

  private static String remediation(
      Budget b,
      String destination,
      IpAddress remote,
      boolean loopback,
      boolean reuses,
      int timeWait,
      int active) {
    StringBuilder sb = new StringBuilder();
    sb.append("Reuse connections to ")
        .append(destination)
        .append(" instead of opening one per request (HTTP keep-alive, a connection pool)");
    if (timeWait > 0) {
      sb.append("; if it is a health check or poller, raise its interval");
    }
    sb.append(". Widen net.ipv4.ip_local_port_range (now ")
        .append(b.range().low())
        .append(' ')
        .append(b.range().high())
        .append(", e.g. 10240 65535) or spread connections over more source IPs (each has its own ")
        .append(b.capacity())
        .append(" ports per destination).");
    if (timeWait > 0 && b.twReuse() == 0) {
      sb.append(
          " Set net.ipv4.tcp_tw_reuse=1 (2 for loopback only) so connect() can take over"
              + " TIME_WAIT ports older than 1 s (needs TCP timestamps, on by default).");
    } else if (timeWait > 0 && b.twReuse() == 2 && !loopback) {
      sb.append(" tcp_tw_reuse=2 only helps loopback: set net.ipv4.tcp_tw_reuse=1 to reuse")
          .append(" TIME_WAIT ports to ")
          .append(remote)
          .append(" (needs TCP timestamps).");
    } else if (reuses) {
      sb.append(" TIME_WAIT is already reused here (tcp_tw_reuse); the ")
          .append(active)
          .append(" open connections are what holds the ports: close idle ones or pool them.");
    }
    return sb.toString();
  }
}
