package io.sockwatch.cli.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.watch.NamespaceTallies;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

  private static final List<String> DETECTORS = List.of("close-wait", "time-wait");
  private static final AgentMetrics METRICS = new AgentMetrics(DETECTORS);

  private static Exposition expose(WatchState s) {
    return Exposition.parse(METRICS.exposition(s));
  }

  private static Map<TcpState, Integer> someStates() {
    Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
    m.put(TcpState.ESTABLISHED, 40);
    m.put(TcpState.TIME_WAIT, 9);
    m.put(TcpState.LISTEN, 3);
    return m;
  }

  @Test
  void everyStateIsWrittenAndStatesWithNoSocketAreZero() {
    Exposition e = expose(States.full(States.stats(someStates(), 2, 2), 2, List.of()));

    assertThat(e.samples("sockwatch_sockets")).hasSize(TcpState.values().length);
    assertThat(e.value("sockwatch_sockets", "state", "established")).contains(40.0);
    assertThat(e.value("sockwatch_sockets", "state", "time_wait")).contains(9.0);
    assertThat(e.value("sockwatch_sockets", "state", "listen")).contains(3.0);
    assertThat(e.value("sockwatch_sockets", "state", "close_wait")).contains(0.0);
    assertThat(e.value("sockwatch_sockets", "state", "new_syn_recv")).contains(0.0);
    assertThat(e.type("sockwatch_sockets")).contains("gauge");
  }

  @Test
  void topProcessesAndDestinationsAreLabelledAndTotalsShowTheCap() {
    Exposition e = expose(States.full(States.stats(someStates(), 3, 4), 2, List.of()));

    assertThat(e.samples("sockwatch_process_sockets")).hasSize(3);
    assertThat(e.value("sockwatch_process_sockets", "pid", "1001", "comm", "app")).contains(10.0);
    assertThat(e.value("sockwatch_process_close_wait_sockets", "pid", "1001", "comm", "app"))
        .contains(1.0);
    assertThat(e.value("sockwatch_process_open_files", "pid", "1002", "comm", "app"))
        .contains(50.0);
    assertThat(e.value("sockwatch_process_max_open_files", "pid", "1002", "comm", "app"))
        .contains(1024.0);
    assertThat(e.value("sockwatch_processes")).as("3 named + 5 more").contains(8.0);
    assertThat(e.samples("sockwatch_destination_open_sockets")).hasSize(4);
    assertThat(e.value("sockwatch_destination_open_sockets", "destination", "10.1.0.2:443"))
        .contains(3.0);
    assertThat(e.value("sockwatch_destination_time_wait_sockets", "destination", "10.1.0.2:443"))
        .contains(2.0);
    assertThat(e.value("sockwatch_destinations")).as("4 named + 7 more").contains(11.0);
  }

  @Test
  void newConnectionsAreRatesOverTheTimeBetweenScans() {
    Exposition e = expose(States.full(States.stats(someStates(), 1, 1), 2, List.of()));

    // TickStats counts 20 new (8 of them already TIME_WAIT), 4 per process, 6 per destination
    assertThat(e.value("sockwatch_new_connections_per_second")).contains(10.0);
    assertThat(e.value("sockwatch_new_time_wait_per_second")).contains(4.0);
    assertThat(
            e.value("sockwatch_process_new_connections_per_second", "pid", "1000", "comm", "app"))
        .contains(2.0);
    assertThat(
            e.value(
                "sockwatch_destination_new_connections_per_second", "destination", "10.1.0.1:443"))
        .contains(3.0);
    assertThat(
            e.value(
                "sockwatch_destination_new_time_wait_per_second", "destination", "10.1.0.1:443"))
        .contains(1.0);
  }

  @Test
  void afterTheFirstScanThereIsNoRateRatherThanAZeroRate() {
    Exposition e = expose(States.full(States.stats(someStates(), 1, 1), 0, List.of()));

    assertThat(e.types().keySet())
        .isNotEmpty()
        .noneMatch(name -> name.endsWith("_per_second"))
        .contains("sockwatch_sockets", "sockwatch_process_sockets");
  }

  @Test
  void whatIsNotKnownIsLeftOutNotWrittenAsZero() {
    WatchState bare = States.bare();
    WatchState emptyNode =
        new WatchState(
            bare.takenAt(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(States.emptyNode()),
            List.of(),
            List.of(),
            bare.status());

    for (WatchState s : List.of(bare, emptyNode)) {
      Exposition e = expose(s);
      assertThat(e.types().keySet())
          .noneMatch(n -> n.startsWith("sockwatch_node_"))
          .doesNotContain(
              "sockwatch_sockets",
              "sockwatch_processes",
              "sockwatch_destinations",
              "sockwatch_last_scan_timestamp_seconds",
              "sockwatch_scan_duration_seconds",
              "sockwatch_scan_cpu_seconds")
          .contains("sockwatch_ticks_total", "sockwatch_open_findings");
      assertThat(e.value("sockwatch_scans_total")).contains(0.0);
    }
  }

  @Test
  void unknownOpenFilesAndLimitsAreLeftOut() {
    TickStats base = States.stats(someStates(), 0, 0);
    TickStats stats =
        new TickStats(
            base.sockets(),
            base.byState(),
            0,
            0,
            List.of(
                States.process("known", 7, 12, 4096),
                States.process("hidden", 8, ProcessInfo.ABSENT, ProcessInfo.ABSENT)),
            List.of(),
            2,
            0);

    Exposition e = expose(States.full(stats, 1, List.of()));

    assertThat(e.samples("sockwatch_process_sockets")).hasSize(2);
    assertThat(e.samples("sockwatch_process_open_files"))
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("comm", "known"));
    assertThat(e.samples("sockwatch_process_max_open_files")).hasSize(1);
  }

  @Test
  void nodeCountersKeepTheKernelsNumbersAndOnlyThoseItReported() {
    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, List.of()));

    assertThat(e.value("sockwatch_node_tcp_inuse_sockets")).contains(15.0);
    assertThat(e.value("sockwatch_node_tcp6_inuse_sockets")).contains(17.0);
    assertThat(e.value("sockwatch_node_tcp_orphan_sockets")).contains(1.0);
    assertThat(e.value("sockwatch_node_tcp_time_wait_sockets")).contains(5.0);
    assertThat(e.value("sockwatch_node_tcp_alloc_sockets")).contains(32.0);
    assertThat(e.value("sockwatch_node_tcp_memory_pages")).contains(50.0);
    assertThat(e.value("sockwatch_node_tcp_mem_limit_pages", "level", "pressure"))
        .contains(383869.0);
    assertThat(e.value("sockwatch_node_tcp_max_orphans")).contains(131072.0);
    assertThat(e.value("sockwatch_node_ephemeral_ports")).contains(28232.0);
    assertThat(e.value("sockwatch_node_conntrack_entries")).contains(12.0);
    assertThat(e.value("sockwatch_node_conntrack_max_entries")).contains(262144.0);
    assertThat(e.value("sockwatch_node_tcp_active_opens_total")).contains(3636026.0);
    assertThat(e.type("sockwatch_node_tcp_active_opens_total")).contains("counter");
    assertThat(e.value("sockwatch_node_tcp_retrans_segments_total")).contains(9730.0);
    assertThat(e.value("sockwatch_node_tcp_listen_overflows_total")).contains(4.0);
    assertThat(e.value("sockwatch_node_tcp_aborts_on_data_total")).contains(1790454.0);
    // the fixture's kernel reported 5 of the chosen counters; the others are left out
    assertThat(e.types().keySet().stream().filter(n -> n.startsWith("sockwatch_node_tcp_")))
        .filteredOn(n -> n.endsWith("_total"))
        .hasSize(5);
  }

  @Test
  void findingsAreCountedPerDetectorAndSeverityAndNamedOneSeriesEach() {
    List<TrackedFinding> open =
        List.of(
            States.finding("time-wait", "to 10.0.0.7:443", Severity.CRITICAL),
            States.finding("close-wait", "java(12)", Severity.WARNING),
            States.finding("close-wait", "java(13)", Severity.WARNING),
            States.finding("socket-leak", "java(12)", Severity.INFO));

    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, open));

    assertThat(e.value("sockwatch_open_findings", "detector", "close-wait", "severity", "warning"))
        .contains(2.0);
    assertThat(e.value("sockwatch_open_findings", "detector", "time-wait", "severity", "critical"))
        .contains(1.0);
    assertThat(e.value("sockwatch_open_findings", "detector", "time-wait", "severity", "info"))
        .as("a known detector with nothing open says 0")
        .contains(0.0);
    assertThat(e.value("sockwatch_open_findings", "detector", "socket-leak", "severity", "info"))
        .as("a finding of a detector not in the list is still counted")
        .contains(1.0);
    assertThat(
            e.value(
                "sockwatch_finding_open",
                "id",
                "time-wait/to 10.0.0.7:443",
                "detector",
                "time-wait",
                "severity",
                "critical"))
        .contains(1.0);
    assertThat(e.samples("sockwatch_finding_open")).hasSize(4);
  }

  @Test
  void perFindingSeriesAreCappedMostSevereFirstWhileCountsCoverAll() {
    List<TrackedFinding> open = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      open.add(States.finding("time-wait", "to 10.0.0." + i + ":443", Severity.CRITICAL));
    }
    for (int i = 0; i < 100; i++) {
      open.add(States.finding("close-wait", "app(" + i + ")", Severity.WARNING));
    }

    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, open));

    List<Exposition.Sample> each = e.samples("sockwatch_finding_open");
    assertThat(each).hasSize(FindingMetrics.MAX_FINDING_SERIES);
    assertThat(each.stream().filter(s -> s.labels().get("severity").equals("critical")))
        .hasSize(50);
    double counted =
        e.samples("sockwatch_open_findings").stream().mapToDouble(Exposition.Sample::value).sum();
    assertThat(counted).isEqualTo(150);
  }

  /** A finding about {@code processes} and {@code destination}, first seen at the start. */
  private static TrackedFinding about(
      String detector, String key, Severity severity, List<String> processes, String dest) {
    Finding f =
        new Finding(
            detector,
            key,
            severity,
            "title",
            new Subject(processes, dest, "", ""),
            List.of(),
            Optional.empty(),
            "fix");
    return new TrackedFinding(f, States.START, States.NOW, Optional.empty());
  }

  /** Open findings of every kind that matters to the conditions, most severe first. */
  private static List<TrackedFinding> conditionFindings() {
    return List.of(
        about("conntrack", "", Severity.CRITICAL, List.of(), ""),
        about("close-wait", "java(12)", Severity.WARNING, List.of("java(12)"), "10.0.0.9:5432"),
        about(
            "connection-churn",
            "to 10.0.0.7:443",
            Severity.WARNING,
            List.of("curl(7)", "curl(8)"),
            "10.0.0.7:443"),
        about("ephemeral-ports", "x", Severity.INFO, List.of(), "10.0.0.7:443"));
  }

  @Test
  void everyConditionIsZeroWhenNothingSetsIt() {
    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, List.of()));

    assertThat(e.samples("sockwatch_condition")).hasSize(NodeCondition.values().length);
    for (NodeCondition c : NodeCondition.values()) {
      assertThat(e.value("sockwatch_condition", "condition", c.type())).contains(0.0);
    }
    assertThat(e.type("sockwatch_condition_finding")).isEmpty();
    assertThat(e.value("sockwatch_condition", "condition", "SocketLeak"))
        .as("before the first scan too")
        .isEqualTo(expose(States.bare()).value("sockwatch_condition", "condition", "SocketLeak"));
  }

  @Test
  void conditionsFollowNodeConditionAndNameTheProcessAndDestination() {
    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, conditionFindings()));

    assertThat(e.value("sockwatch_condition", "condition", "ConntrackPressure")).contains(1.0);
    assertThat(e.value("sockwatch_condition", "condition", "SocketLeak")).contains(1.0);
    assertThat(e.value("sockwatch_condition", "condition", "EphemeralPortPressure"))
        .as("churn sets it only when critical, ephemeral-ports from warning: neither here")
        .contains(0.0);
    assertThat(e.value("sockwatch_condition", "condition", "TCPMemoryPressure")).contains(0.0);
    assertThat(e.samples("sockwatch_condition_finding")).hasSize(2);
    assertThat(
            e.value(
                "sockwatch_condition_finding",
                "condition",
                "SocketLeak",
                "id",
                "close-wait/java(12)",
                "detector",
                "close-wait",
                "severity",
                "warning",
                "process",
                "java(12)",
                "destination",
                "10.0.0.9:5432"))
        .contains(1.0);
    assertThat(
            e.value(
                "sockwatch_condition_finding",
                "condition",
                "ConntrackPressure",
                "id",
                "conntrack",
                "detector",
                "conntrack",
                "severity",
                "critical"))
        .as("a node-wide finding has neither process nor destination")
        .contains(1.0);
  }

  @Test
  void conditionSeriesAreCappedMostSevereFirstWhileTheGaugeCoversAll() {
    List<TrackedFinding> open = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      open.add(
          about(
              "ephemeral-ports",
              "to 10.0.1." + i + ":443",
              Severity.CRITICAL,
              List.of(),
              "10.0.1." + i + ":443"));
    }
    for (int i = 0; i < 60; i++) {
      open.add(
          about("close-wait", "app(" + i + ")", Severity.WARNING, List.of("app(" + i + ")"), ""));
    }
    open.add(about("conntrack", "", Severity.WARNING, List.of(), ""));

    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 1, open));

    List<Exposition.Sample> each = e.samples("sockwatch_condition_finding");
    assertThat(each).hasSize(ConditionMetrics.MAX_FINDING_SERIES);
    assertThat(each.stream().filter(s -> s.labels().get("severity").equals("critical")))
        .hasSize(60);
    assertThat(e.value("sockwatch_condition", "condition", "ConntrackPressure"))
        .as("past the cap the condition still counts")
        .contains(1.0);
  }

  @Test
  void portBudgetSettingsAreExported() {
    Exposition plain = expose(States.full(States.stats(someStates(), 0, 0), 1, List.of()));
    assertThat(plain.value("sockwatch_node_ephemeral_reserved_ports")).contains(0.0);
    assertThat(plain.value("sockwatch_node_tcp_tw_reuse")).contains(2.0);

    // reserved entries overlapping each other and the range's edges count once, inside only
    assertThat(
            NodeMetrics.reservedInRange(
                new PortRange(32768, 60999),
                List.of(
                    new PortRange(30000, 32777),
                    new PortRange(32770, 32779),
                    new PortRange(40000, 40000),
                    new PortRange(60990, 61010),
                    new PortRange(8080, 8080))))
        .isEqualTo(12 + 1 + 10);
  }

  @Test
  void reservedPortsThatCouldNotBeReadAreLeftOut() {
    NodeStats n = States.node();
    NodeStats unread =
        new NodeStats(
            n.sockstat(),
            n.snmp(),
            n.netstat(),
            n.tunables(),
            List.of(
                new Unavailable(
                    "/proc/sys/net/ipv4/ip_local_reserved_ports", "permission denied")));
    WatchState s = States.full(States.stats(someStates(), 0, 0), 1, List.of());
    WatchState state =
        new WatchState(
            s.takenAt(),
            s.scan(),
            s.stats(),
            Optional.of(unread),
            s.open(),
            s.resolved(),
            s.status());

    Exposition e = expose(state);

    assertThat(e.type("sockwatch_node_ephemeral_reserved_ports")).isEmpty();
    assertThat(e.value("sockwatch_node_ephemeral_ports")).contains(28232.0);
  }

  @Tag("live")
  @Test
  void labelValuesAreEscapedSoAnyProcessNameRoundTrips() throws Exception {
    String comm = "we\"ird\\na\nme";
    TickStats base = States.stats(someStates(), 0, 0);
    TickStats stats =
        new TickStats(
            base.sockets(),
            base.byState(),
            0,
            0,
            List.of(States.process(comm, 42, 3, 1024)),
            List.of(),
            1,
            0);

    String text = METRICS.exposition(States.full(stats, 1, List.of()));

    assertThat(Exposition.parse(text).value("sockwatch_process_sockets", "pid", "42", "comm", comm))
        .contains(7.0);
    Promtool.assertPasses(text);
  }

  @Test
  void theAgentsOwnNumbersAreExported() {
    Exposition e = expose(States.full(States.stats(someStates(), 0, 0), 2, List.of()));

    assertThat(e.value("sockwatch_ticks_total")).contains(300.0);
    assertThat(e.value("sockwatch_scans_total")).contains(150.0);
    assertThat(e.value("sockwatch_scan_duration_seconds")).contains(0.04);
    assertThat(e.value("sockwatch_scan_cpu_seconds")).contains(0.03);
    assertThat(e.value("sockwatch_scan_interval_seconds")).contains(2.0);
    assertThat(e.value("sockwatch_tick_interval_seconds")).contains(1.0);
    assertThat(e.value("sockwatch_agent_cpu_seconds_total")).contains(12.5);
    assertThat(e.value("sockwatch_agent_heap_used_bytes")).contains((double) (40L << 20));
    assertThat(e.value("sockwatch_agent_heap_max_bytes")).contains((double) (256L << 20));
    assertThat(e.value("sockwatch_history_series")).contains(120.0);
    assertThat(e.value("sockwatch_history_max_series")).contains(740.0);
    assertThat(e.value("sockwatch_history_bytes")).contains(9e6);
    assertThat(e.value("sockwatch_history_max_bytes")).contains((double) (64L << 20));
    assertThat(e.value("sockwatch_history_refused_series_total")).contains(3.0);
    assertThat(e.value("sockwatch_history_evicted_series_total")).contains(1.0);
    assertThat(e.value("sockwatch_history_dropped_samples_total")).contains(7.0);
    assertThat(e.value("sockwatch_first_seen_sockets")).contains(5000.0);
    assertThat(e.value("sockwatch_first_seen_bytes")).contains(160000.0);
    assertThat(e.value("sockwatch_first_seen_refused_sockets_total")).contains(11.0);
    assertThat(e.value("sockwatch_findings_refused_total")).contains(2.0);
    assertThat(e.value("sockwatch_unavailable_items")).contains(1.0);
    assertThat(e.value("sockwatch_agent_start_time_seconds"))
        .contains((double) States.START.getEpochSecond());
    assertThat(e.value("sockwatch_last_tick_timestamp_seconds"))
        .contains(States.NOW.getEpochSecond() + 0.25);
  }

  @Tag("live")
  @Test
  void namesFollowPrometheusConventionsAndPassPromtool() throws Exception {
    List<TrackedFinding> open = new ArrayList<>(conditionFindings());
    open.add(States.finding("time-wait", "x", Severity.WARNING));
    String text = METRICS.exposition(States.full(States.stats(someStates(), 3, 3), 2, open));
    Exposition e = Exposition.parse(text);

    assertThat(e.types())
        .allSatisfy(
            (name, type) -> {
              assertThat(name).startsWith("sockwatch_");
              assertThat(name.endsWith("_total")).as(name).isEqualTo(type.equals("counter"));
            });
    Promtool.assertPasses(text);
  }

  /** The bounds {@link AgentMetrics} documents: under 600 samples at top 20, 9,600 at 1000. */
  @Tag("live")
  @Test
  void cardinalityIsBoundedByTopAndTheFindingCap() throws Exception {
    List<TrackedFinding> open = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      // close-wait findings set a condition: both per-finding families are full
      open.add(States.finding("close-wait", "app(" + i + ")", Severity.WARNING));
    }
    // every detector of today: each adds a count per severity
    List<String> detectors = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      detectors.add("detector-" + i);
    }
    AgentMetrics metrics = new AgentMetrics(detectors);

    String top20 = metrics.exposition(States.full(States.stats(someStates(), 20, 20), 2, open));
    String top1000 =
        metrics.exposition(States.full(States.stats(someStates(), 1000, 1000), 2, open));

    System.out.printf(
        "samples: %d at top 20, %d at top 1000%n",
        Exposition.parse(top20).samples().size(), Exposition.parse(top1000).samples().size());
    assertThat(Exposition.parse(top20).samples()).hasSizeLessThan(600);
    assertThat(Exposition.parse(top1000).samples()).hasSizeLessThan(9600);
    Promtool.assertPasses(top1000);
  }

  @Tag("live")
  @Test
  void perNamespaceCountsAndPlacedFindingsCarryNamespaceAndContainerLabels() throws Exception {
    String pod = "pod 8e0c140c-e93f-4620-9811-bb56d182ccfb container 26b43d5fcb27";
    NamespaceTallies tallies =
        new NamespaceTallies(
            List.of(
                new NamespaceTallies.Tally(4026531840L, "host", "", 52, someStates()),
                new NamespaceTallies.Tally(
                    4026532100L,
                    "net:[4026532100]",
                    pod,
                    5,
                    Map.of(TcpState.CLOSE_WAIT, 4, TcpState.LISTEN, 1)),
                new NamespaceTallies.Tally(0, "other", "", 7, Map.of(TcpState.ESTABLISHED, 7))),
            22,
            2);
    Finding placed =
        States.finding("close-wait", "server(200)", Severity.WARNING)
            .finding()
            .placedIn(new Placement(4026532100L, "net:[4026532100]", List.of(pod)), false);
    WatchState single =
        States.full(
            States.stats(someStates(), 0, 0),
            2,
            List.of(new TrackedFinding(placed, States.START, States.NOW, Optional.empty())));
    WatchState state =
        new WatchState(
            single.takenAt(),
            single.scan(),
            single.stats(),
            single.node(),
            single.open(),
            single.resolved(),
            single.status(),
            tallies);

    String text = METRICS.exposition(state);
    Exposition e = Exposition.parse(text);

    assertThat(e.value("sockwatch_netns_read")).contains(22.0);
    assertThat(e.value("sockwatch_netns_unreadable")).contains(2.0);
    assertThat(e.samples("sockwatch_netns_sockets")).as("one per namespace and state").hasSize(6);
    assertThat(
            e.value(
                "sockwatch_netns_sockets",
                "netns",
                "host",
                "inode",
                "4026531840",
                "state",
                "established"))
        .contains(40.0);
    assertThat(
            e.value(
                "sockwatch_netns_sockets",
                "netns",
                "net:[4026532100]",
                "inode",
                "4026532100",
                "container",
                pod,
                "state",
                "close_wait"))
        .contains(4.0);
    assertThat(e.value("sockwatch_netns_sockets", "netns", "other", "state", "established"))
        .as("the other row has no inode")
        .contains(7.0);
    assertThat(
            e.value(
                "sockwatch_finding_open",
                "id",
                "close-wait/server(200)@netns:4026532100",
                "detector",
                "close-wait",
                "severity",
                "warning",
                "netns",
                "net:[4026532100]",
                "container",
                pod))
        .contains(1.0);
    Promtool.assertPasses(text);

    Exposition unplaced = expose(single);
    assertThat(unplaced.type("sockwatch_netns_sockets"))
        .as("a single-namespace agent exports no per-namespace families")
        .isEmpty();
    assertThat(unplaced.type("sockwatch_netns_read")).isEmpty();
  }

  @Test
  void withKubernetesTheReportersFamilyIsThereAndWithoutItNot() {
    WatchState s = States.full(States.stats(someStates(), 0, 0), 1, List.of());

    Exposition without = expose(s);
    Exposition with =
        Exposition.parse(METRICS.exposition(s, Optional.of(KubernetesStatuses.working())));

    assertThat(without.types().keySet()).noneMatch(n -> n.startsWith("sockwatch_kubernetes_"));
    assertThat(with.value("sockwatch_kubernetes_up")).contains(1.0);
    assertThat(with.samples("sockwatch_kubernetes_requests_total")).hasSize(6);
    assertThat(with.value("sockwatch_kubernetes_requests_total", "result", "ok")).contains(40.0);
    assertThat(with.value("sockwatch_kubernetes_requests_total", "result", "conflict"))
        .contains(1.0);
    assertThat(with.value("sockwatch_kubernetes_requests_total", "result", "server_error"))
        .contains(2.0);
    assertThat(with.value("sockwatch_kubernetes_requests_total", "result", "timeout"))
        .contains(0.0);
    assertThat(with.type("sockwatch_kubernetes_requests_total")).contains("counter");
    assertThat(with.value("sockwatch_kubernetes_last_success_timestamp_seconds"))
        .contains(KubernetesStatuses.SUCCESS.getEpochSecond() + 0.5);
    assertThat(with.value("sockwatch_kubernetes_retries_total")).contains(3.0);
    assertThat(with.value("sockwatch_kubernetes_condition_writes_total")).contains(7.0);
    assertThat(with.value("sockwatch_kubernetes_node_condition", "type", "SocketLeak"))
        .contains(1.0);
    assertThat(with.value("sockwatch_kubernetes_node_condition", "type", "ConntrackPressure"))
        .contains(0.0);
    assertThat(with.value("sockwatch_kubernetes_events_total", "outcome", "created")).contains(5.0);
    assertThat(with.value("sockwatch_kubernetes_events_total", "outcome", "series")).contains(2.0);
    assertThat(with.value("sockwatch_kubernetes_events_total", "outcome", "dropped")).contains(1.0);
    assertThat(with.value("sockwatch_kubernetes_pending_events")).contains(0.0);
  }

  @Test
  void aReporterThatNeverConnectedIsDownWithNoSuccessTimeAndNoConditions() {
    WatchState s = States.full(States.stats(someStates(), 0, 0), 1, List.of());

    Exposition e =
        Exposition.parse(METRICS.exposition(s, Optional.of(KubernetesStatuses.neverConnected())));

    assertThat(e.value("sockwatch_kubernetes_up")).contains(0.0);
    assertThat(e.value("sockwatch_kubernetes_requests_total", "result", "network_error"))
        .contains(4.0);
    assertThat(e.type("sockwatch_kubernetes_last_success_timestamp_seconds")).isEmpty();
    assertThat(e.type("sockwatch_kubernetes_node_condition")).isEmpty();
    assertThat(e.value("sockwatch_kubernetes_pending_events")).contains(2.0);
  }

  @Tag("live")
  @Test
  void theKubernetesFamilyPassesPromtool() throws Exception {
    WatchState s = States.full(States.stats(someStates(), 2, 2), 2, List.of());
    for (var k : List.of(KubernetesStatuses.working(), KubernetesStatuses.neverConnected())) {
      String text = METRICS.exposition(s, Optional.of(k));
      assertThat(Exposition.parse(text).types())
          .allSatisfy(
              (name, type) ->
                  assertThat(name.endsWith("_total")).as(name).isEqualTo(type.equals("counter")));
      Promtool.assertPasses(text);
    }
  }

  @Test
  void everyKubernetesMetricIsDocumented() throws Exception {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "serve-api.md"));
    WatchState s = States.full(States.stats(someStates(), 0, 0), 1, List.of());
    Exposition e =
        Exposition.parse(METRICS.exposition(s, Optional.of(KubernetesStatuses.working())));

    assertThat(e.types().keySet().stream().filter(n -> n.startsWith("sockwatch_kubernetes_")))
        .hasSize(8)
        .allSatisfy(name -> assertThat(doc).contains("| `" + name + "` |"));
  }

  @Test
  void theConnectionTracerIsReportedAndDocumented() throws Exception {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "serve-api.md"));
    WatchState s = States.full(States.stats(someStates(), 0, 0), 1, List.of());
    Exposition e = Exposition.parse(METRICS.exposition(s, Optional.empty()));

    // The fixture's agent was not asked for events: down, nothing seen.
    assertThat(e.value("sockwatch_connection_events_up")).hasValue(0.0);
    assertThat(e.value("sockwatch_connection_events_connects_total")).hasValue(0.0);
    assertThat(e.types().keySet().stream().filter(n -> n.startsWith("sockwatch_connection_events")))
        .hasSize(5)
        .allSatisfy(name -> assertThat(doc).contains("`" + name + "`"));
  }
}
