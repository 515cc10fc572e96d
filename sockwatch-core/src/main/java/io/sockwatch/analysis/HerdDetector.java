package io.sockwatch.analysis;

import io.sockwatch.analysis.HerdGrouping.Herd;
import io.sockwatch.analysis.HerdGrouping.Member;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.plan.CapacityModel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Thundering herds from the kernel's connection events: on one service port, many processes each
 * polling many destinations with a fresh connection per probe. Without events this incident shows
 * as one {@code time-wait} (and in serve one {@code connection-churn}) finding per destination,
 * each with "an unknown process"; with them it is one finding naming every process, the per-pair
 * interval and what the pattern costs, and {@link HerdFolding} folds those per-destination findings
 * into it. The grouping is {@link HerdGrouping}'s; serve runs this same detector on a longer window
 * of events (the last minute), so doctor and serve name the same processes and counts.
 *
 * <p>Severity is WARNING, CRITICAL when the port range is close to exhaustion: the {@code
 * ephemeral-ports} logic, run on the same input, finds a 4-tuple space towards the port at its
 * warning level or worse. Its model numbers are {@code sockwatch plan}'s ({@link CapacityModel}):
 * TIME_WAIT held = new connections per second x 60 s.
 */
final class HerdDetector implements Detector, Configurable {

  static final Threshold RATE =
      new Threshold(
          "herd.rate",
          10,
          "",
          "New connections per second on one port, from all the pairs together, that make a herd"
              + " (the default of connection-churn.rate).");
  static final Threshold MIN_PAIRS =
      new Threshold(
          "herd.min-pairs",
          2,
          "",
          "(process, destination) pairs opening short-lived connections on one port that make a"
              + " herd; one process to one destination stays a per-destination finding.");

  /** Processes (and containers) listed one by one in the evidence and the subject. */
  static final int LISTED = 64;

  /** Processes named in the title. */
  private static final int NAMED = 4;

  /** Per-pair intervals the fix quotes besides the current one. */
  static final double[] MODEL_INTERVALS = {5, 10};

  /** The port range assumed when the namespace's is unknown (Linux's default). */
  private static final PortRange DEFAULT_RANGE = new PortRange(32768, 60999);

  @Override
  public String id() {
    return "herd";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  enum Keys implements EvidenceKey {
    PORT,
    SOURCE_PROCESSES,
    SOURCE_CONTAINERS,
    DESTINATIONS,
    PAIRS,
    PAIR_INTERVAL_MEDIAN_SECONDS,
    PAIR_INTERVAL_MIN_SECONDS,
    PAIR_INTERVAL_MAX_SECONDS,
    CONNECTS_PER_SECOND,
    WINDOW_SECONDS,
    TIME_WAIT_SOCKETS,
    OPEN_CONNECTIONS,
    EXPECTED_TIME_WAIT_SOCKETS,
    TIME_WAIT_AT_5_SECONDS,
    TIME_WAIT_AT_10_SECONDS,
    REFUSED_CONNECTS,
    TIMED_OUT_CONNECTS,
    OTHER_FAILED_CONNECTS,
    LIFETIME_P50_SECONDS,
    LIFETIME_P99_SECONDS,
    DROPPED_FLOWS,
    BLOCKING_PORTS,
    USABLE_PORTS,
    PROCESS_CONNECTS_PER_SECOND,
    PROCESS_DESTINATIONS,
    CONTAINER_CONNECTS_PER_SECOND,
    FOLDED_FINDINGS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(RATE, MIN_PAIRS);
  }

  static HerdGrouping.Settings settings(DoctorInput input) {
    return new HerdGrouping.Settings(
        (int) Math.max(1, input.config().value(MIN_PAIRS)), input.config().value(RATE));
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Optional<ConnectionActivity> activity = input.activity();
    if (activity.isEmpty()) {
      return List.of();
    }
    List<Herd> herds = HerdGrouping.herds(activity.get(), settings(input));
    if (herds.isEmpty()) {
      return List.of();
    }
    PortFacts facts = PortFacts.of(input, herds);
    List<Finding> ports = new EphemeralPortDetector().detect(input);
    List<Finding> out = new ArrayList<>();
    for (Herd h : herds) {
      out.add(finding(input, h, facts, ports));
    }
    return out;
  }

  /** TIME_WAIT and open connections of the herds' ports, from one pass over the table. */
  private record PortFacts(int[] outboundTimeWait, int[] inboundTimeWait, int[] open) {
    static PortFacts of(DoctorInput input, List<Herd> herds) {
      BitSet ports = new BitSet(65536);
      herds.forEach(h -> ports.set(h.port()));
      List<SocketRecord> sockets = input.after().sockets();
      BitSet listening = PortSpace.listeningPorts(sockets);
      PortFacts f = new PortFacts(new int[65536], new int[65536], new int[65536]);
      for (SocketRecord s : sockets) {
        if (s.state() == TcpState.LISTEN) {
          continue;
        }
        boolean inbound = listening.get(s.localPort());
        if (s.state() == TcpState.TIME_WAIT) {
          if (inbound && ports.get(s.localPort())) {
            f.inboundTimeWait[s.localPort()]++;
          } else if (!inbound && ports.get(s.remotePort())) {
            f.outboundTimeWait[s.remotePort()]++;
          }
        } else if (!inbound && ports.get(s.remotePort())) {
          f.open[s.remotePort()]++;
        }
      }
      return f;
    }

    int timeWait(int port) {
      return outboundTimeWait[port] + inboundTimeWait[port];
    }
  }

  private Finding finding(DoctorInput input, Herd h, PortFacts facts, List<Finding> ports) {
    int port = h.port();
    PortRange range = input.node().tunables().localPortRange().orElse(DEFAULT_RANGE);
    PollingPlan.Closer closer =
        facts.inboundTimeWait[port] > facts.outboundTimeWait[port]
            ? PollingPlan.Closer.SERVER
            : PollingPlan.Closer.CLIENT;
    double expected = modelTimeWait(h, range, closer, 0);
    int timeWait = facts.timeWait(port);

    // The ephemeral-ports findings towards this port: the busiest space decides the severity.
    Finding busiest = null;
    for (Finding f : ports) {
      if (HerdFolding.portOf(f.subject().destination()) == port
          && (busiest == null
              || HerdFolding.value(f, "blocking_ports")
                  > HerdFolding.value(busiest, "blocking_ports"))) {
        busiest = f;
      }
    }
    boolean exhausting =
        ports.stream()
            .anyMatch(
                f ->
                    HerdFolding.portOf(f.subject().destination()) == port
                        && f.severity().compareTo(Severity.WARNING) <= 0);

    List<Evidence> e = new ArrayList<>();
    e.add(Evidence.of(Keys.PORT, "destination port", port, ""));
    e.add(
        Evidence.of(
            Keys.SOURCE_PROCESSES, "processes opening connections", h.processes().size(), ""));
    if (!h.containers().isEmpty()) {
      e.add(
          Evidence.of(
              Keys.SOURCE_CONTAINERS, "containers of those processes", h.containers().size(), ""));
    }
    e.add(Evidence.of(Keys.DESTINATIONS, "destinations polled", h.destinations().size(), ""));
    e.add(Evidence.of(Keys.PAIRS, "(source, destination) pairs", h.pairs(), ""));
    h.intervalMedianSeconds()
        .ifPresent(
            v ->
                e.add(
                    Evidence.of(
                        Keys.PAIR_INTERVAL_MEDIAN_SECONDS,
                        "time between connects of one pair (median of the pairs)",
                        v,
                        "s")));
    h.intervalMinSeconds()
        .ifPresent(
            v ->
                e.add(
                    Evidence.of(
                        Keys.PAIR_INTERVAL_MIN_SECONDS, "shortest per-pair interval", v, "s")));
    h.intervalMaxSeconds()
        .ifPresent(
            v ->
                e.add(
                    Evidence.of(
                        Keys.PAIR_INTERVAL_MAX_SECONDS, "longest per-pair interval", v, "s")));
    e.add(
        Evidence.of(
            Keys.CONNECTS_PER_SECOND, "new connections per second", h.connectsPerSecond(), "/s"));
    e.add(Evidence.of(Keys.WINDOW_SECONDS, "events window", h.windowSeconds(), "s"));
    e.add(
        Evidence.of(
            Keys.TIME_WAIT_SOCKETS, "TIME_WAIT sockets of connections on this port", timeWait, ""));
    e.add(
        Evidence.of(
            Keys.OPEN_CONNECTIONS, "open outbound connections to this port", facts.open[port], ""));
    e.add(
        Evidence.of(
            Keys.EXPECTED_TIME_WAIT_SOCKETS,
            "TIME_WAIT at this rate (connections/s x 60 s)",
            expected,
            ""));
    e.add(
        Evidence.of(
            Keys.TIME_WAIT_AT_5_SECONDS,
            "TIME_WAIT if each pair connected every 5 s",
            modelTimeWait(h, range, closer, 5),
            ""));
    e.add(
        Evidence.of(
            Keys.TIME_WAIT_AT_10_SECONDS,
            "TIME_WAIT if each pair connected every 10 s",
            modelTimeWait(h, range, closer, 10),
            ""));
    if (h.refused() > 0) {
      e.add(Evidence.of(Keys.REFUSED_CONNECTS, "connects refused (reset)", h.refused(), ""));
    }
    if (h.timedOut() > 0) {
      e.add(Evidence.of(Keys.TIMED_OUT_CONNECTS, "connects timed out", h.timedOut(), ""));
    }
    if (h.otherFailures() > 0) {
      e.add(
          Evidence.of(
              Keys.OTHER_FAILED_CONNECTS, "connects failed otherwise", h.otherFailures(), ""));
    }
    h.lifetimeP50Seconds()
        .ifPresent(
            v ->
                e.add(
                    Evidence.of(Keys.LIFETIME_P50_SECONDS, "median connection lifetime", v, "s")));
    h.lifetimeP99Seconds()
        .ifPresent(
            v ->
                e.add(
                    Evidence.of(
                        Keys.LIFETIME_P99_SECONDS, "99th percentile connection lifetime", v, "s")));
    if (h.droppedFlows() > 0) {
      e.add(
          Evidence.of(
              Keys.DROPPED_FLOWS,
              "flows dropped by the tracer's bounds in the window",
              h.droppedFlows(),
              ""));
    }
    if (busiest != null) {
      e.add(
          Evidence.of(
              Keys.BLOCKING_PORTS,
              "local ports blocking new connections to the busiest destination ("
                  + busiest.subject().destination()
                  + ")",
              HerdFolding.value(busiest, "blocking_ports"),
              "ports"));
      e.add(
          Evidence.of(
              Keys.USABLE_PORTS,
              "usable local ports per destination",
              HerdFolding.value(busiest, "usable_ports"),
              "ports"));
    }
    List<Member> listed = h.processes().subList(0, Math.min(LISTED, h.processes().size()));
    for (Member m : listed) {
      e.add(
          Evidence.of(
                  Keys.PROCESS_CONNECTS_PER_SECOND,
                  "new connections per second of " + m.label(),
                  m.connectsPerSecond(),
                  "/s")
              .withMember(m.label()));
      e.add(
          Evidence.of(
                  Keys.PROCESS_DESTINATIONS,
                  "destinations " + m.label() + " polls",
                  m.destinations(),
                  "")
              .withMember(m.label()));
    }
    for (Member c : h.containers().subList(0, Math.min(LISTED, h.containers().size()))) {
      e.add(
          Evidence.of(
                  Keys.CONTAINER_CONNECTS_PER_SECOND,
                  "new connections per second of container " + c.label(),
                  c.connectsPerSecond(),
                  "/s")
              .withMember(c.label()));
    }
    List<String> who = listed.stream().map(Member::label).toList();
    return new Finding(
        id(),
        "port " + port,
        exhausting ? Severity.CRITICAL : Severity.WARNING,
        title(h, timeWait),
        new Subject(who, "*:" + port, "", ""),
        e,
        Optional.empty(),
        remediation(h, timeWait, expected, range, closer));
  }

  /**
   * TIME_WAIT the herd holds by {@code sockwatch plan}'s model: each source a poller of its
   * destinations at its own rate, or, with {@code interval} above 0, every pair at that interval.
   */
  static double modelTimeWait(Herd h, PortRange range, PollingPlan.Closer closer, double interval) {
    double sum = 0;
    for (Member s : sources(h)) {
      int d = Math.max(1, s.destinations());
      if (s.connectsPerSecond() <= 0) {
        continue;
      }
      PollingPlan plan =
          new PollingPlan(
              d + 1,
              interval > 0 ? interval : d / s.connectsPerSecond(),
              false,
              closer,
              PollingPlan.LINUX_TIME_WAIT_SECONDS,
              range,
              d,
              PollingPlan.DEFAULT_PROBE_SECONDS);
      sum += CapacityModel.forecast(plan).timeWait();
    }
    return sum;
  }

  /** The herd's sources: its containers and the processes outside any container. */
  private static List<Member> sources(Herd h) {
    List<Member> out = new ArrayList<>(h.containers());
    h.processes().stream().filter(p -> p.container().isEmpty()).forEach(out::add);
    return out;
  }

  private static String title(Herd h, int timeWait) {
    StringBuilder sb = new StringBuilder();
    sb.append("Thundering herd on port ").append(h.port()).append(": ");
    int processes = h.processes().size();
    int outside = (int) h.processes().stream().filter(p -> p.container().isEmpty()).count();
    if (!h.containers().isEmpty()) {
      sb.append(count(h.containers().size(), "container"))
          .append(" (")
          .append(count(processes - outside, "process"))
          .append(")");
      if (outside > 0) {
        sb.append(" and ").append(count(outside, "process"));
      }
    } else if (processes <= NAMED && processes > 0) {
      sb.append(String.join(", ", h.processLabels()));
    } else {
      sb.append(count(processes, "process"));
    }
    boolean one = h.sources() == 1;
    sb.append(one ? " polls " : " poll ");
    if (h.fewestDestinations() == h.mostDestinations()) {
      sb.append(count(h.mostDestinations(), "destination"));
    } else {
      sb.append(h.fewestDestinations())
          .append(" to ")
          .append(h.mostDestinations())
          .append(" destinations");
    }
    if (!one) {
      sb.append(" each");
    }
    if (h.intervalMedianSeconds().isPresent()) {
      sb.append(", every ").append(seconds(h.intervalMedianSeconds().getAsDouble()));
      sb.append(" per pair");
    }
    sb.append(": ")
        .append(rate(h.connectsPerSecond()))
        .append(" new connections/s, ")
        .append(String.format(Locale.ROOT, "%,d", timeWait))
        .append(" TIME_WAIT");
    return sb.toString();
  }

  private static String remediation(
      Herd h, int timeWait, double expected, PortRange range, PollingPlan.Closer closer) {
    StringBuilder sb = new StringBuilder();
    sb.append("Reuse connections first: keep one connection per peer open (HTTP keep-alive, a")
        .append(" pooled client) and send every probe over it; ")
        .append(h.pairs())
        .append(" pairs then hold ")
        .append(h.pairs())
        .append(" long-lived connections and no TIME_WAIT. With a fresh connection per probe,")
        .append(" TIME_WAIT held = new connections/s x 60 s (TCP_TIMEWAIT_LEN, fixed in the")
        .append(" kernel; tcp_fin_timeout does not change it), as `sockwatch plan` computes: ")
        .append(String.format(Locale.ROOT, "%,.0f", expected))
        .append(" at the current ");
    if (h.intervalMedianSeconds().isPresent()) {
      sb.append(seconds(h.intervalMedianSeconds().getAsDouble())).append(" per pair");
    } else {
      sb.append("rate");
    }
    sb.append(" (").append(String.format(Locale.ROOT, "%,d", timeWait)).append(" held now)");
    for (double i : MODEL_INTERVALS) {
      sb.append(", ")
          .append(String.format(Locale.ROOT, "%,.0f", modelTimeWait(h, range, closer, i)))
          .append(" at every ")
          .append(seconds(i));
    }
    sb.append(
        ". If the probes must stay fresh connections, probe less often, and add jitter so the"
            + " processes do not reconnect in step (after a restart, on a timer); with"
            + " net.ipv4.tcp_tw_reuse=1 (2: loopback only) connect() reuses TIME_WAIT ports older"
            + " than 1 s. The per-destination time-wait, connection-churn and ephemeral-ports"
            + " findings on this port are folded into this one.");
    if (h.refused() + h.timedOut() > 0) {
      sb.append(" ")
          .append(h.refused() + h.timedOut())
          .append(
              " connects failed (refused or timed out): a destination is down or overloaded,"
                  + " and retries without backoff make the herd louder.");
    }
    return sb.toString();
  }

  private static String count(int n, String noun) {
    return n + " " + (n == 1 ? noun : noun.equals("process") ? "processes" : noun + "s");
  }

  private static String seconds(double s) {
    return s >= 0.1
        ? String.format(Locale.ROOT, "%.1f s", s)
        : String.format(Locale.ROOT, "%.0f ms", s * 1000);
  }

  private static String rate(double perSecond) {
    return perSecond >= 10
        ? String.format(Locale.ROOT, "%,.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }
}
