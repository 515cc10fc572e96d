package io.sockwatch.watch;

import static io.sockwatch.analysis.HerdFixture.T0;
import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.analysis.HerdFixture;
import io.sockwatch.analysis.HerdFolding;
import io.sockwatch.analysis.NamespaceDoctor;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's incident as serve judges it, tick by tick, composed as {@link Sampler} composes it:
 * each scan brings one second of connection events into the {@link FlowHorizon}; the instant
 * detectors judge the horizon, the trend detectors too, and {@link HerdFolding} folds the list.
 * Without events: 20 time-wait and 20 connection-churn findings, as before; with them: one herd
 * finding, the same one doctor gives.
 */
class HerdServeTest {

  private static final NodeStats NODE = HerdFixture.node(new PortRange(32768, 60999));
  private static final Snapshot MESH = HerdFixture.table(20, 60, false, NODE);
  private static final WatchConfig CONFIG = TrendFixture.config(300, Map.of());

  /** The churn history of the last two minutes: every prober's 19 peers poll it every second. */
  private static TrendFixture history() {
    TrendFixture f = new TrendFixture();
    for (int j = 0; j < 20; j++) {
      String d = HerdFixture.ip(j) + ":8558";
      f.series(SeriesNames.destination(SeriesNames.DESTINATION_NEW, d), NOW - 120, NOW, t -> 19);
      f.series(
          SeriesNames.destination(SeriesNames.DESTINATION_NEW_TIME_WAIT, d),
          NOW - 120,
          NOW,
          t -> 19);
    }
    f.series(SeriesNames.node(SeriesNames.ACTIVE_OPENS), NOW - 120, NOW, t -> 380);
    return f;
  }

  private static TickStats stats() {
    List<TickStats.DestinationStat> d = new ArrayList<>();
    for (int j = 0; j < 20; j++) {
      d.add(new TickStats.DestinationStat(HerdFixture.ip(j) + ":8558", 0, 1140, 19, 19, List.of()));
    }
    return TrendFixture.stats(List.of(), d);
  }

  /** One tick's findings as the sampler raises them, with this horizon of events. */
  private static List<Finding> tick(TrendFixture f, Optional<ConnectionActivity> events) {
    List<Finding> raised =
        new ArrayList<>(
            new NamespaceDoctor(Detectors.all())
                .examine(
                    Optional.empty(),
                    NodeScan.single(MESH).withActivity(events),
                    0,
                    DoctorConfig.DEFAULTS)
                .findings());
    TrendInput in =
        new TrendInput(
            NOW,
            f.history,
            Optional.of(stats()),
            Optional.of(MESH),
            NODE,
            f.openers,
            CONFIG,
            events);
    for (TrendDetector d : TrendDetectors.all()) {
      raised.addAll(d.detect(in));
    }
    return HerdFolding.fold(raised);
  }

  private static List<Finding> about8558(List<Finding> findings) {
    return findings.stream().filter(x -> x.subject().destination().endsWith(":8558")).toList();
  }

  @Test
  void withoutEventsServeReportsEveryDestinationTwiceAsBefore() {
    FlowHorizon horizon = new FlowHorizon();
    horizon.add(NOW, Optional.empty());
    List<Finding> findings = tick(history(), horizon.window());
    assertThat(about8558(findings)).hasSize(40);
    assertThat(about8558(findings).stream().filter(x -> x.detector().equals("connection-churn")))
        .hasSize(20)
        .allMatch(x -> x.title().contains("an unknown process"));
  }

  @Test
  void oneSecondWindowsOverSeveralTicksGiveOneHerdWithItsPerPairInterval() {
    FlowHorizon horizon = new FlowHorizon();
    TrendFixture f = history();
    List<Finding> findings = List.of();
    for (int k = 0; k < 10; k++) {
      horizon.add(NOW - 9 + k, Optional.of(HerdFixture.mesh(20, 1, 1, 1, T0 + k * 1_000_000_000L)));
      findings = tick(f, horizon.window());
      assertThat(about8558(findings)).as("tick %d", k).hasSize(1);
    }
    assertThat(horizon.windows()).isEqualTo(10);

    Finding h = about8558(findings).getFirst();
    assertThat(h.id()).isEqualTo("herd/port 8558");
    assertThat(h.title())
        .isEqualTo(
            "Thundering herd on port 8558: 20 processes poll 19 destinations each, every 1.0 s per"
                + " pair: 380 new connections/s, 22,800 TIME_WAIT");
    assertThat(evidence(h, "pair_interval_median_seconds")).isCloseTo(1, within(1e-9));
    assertThat(evidence(h, "window_seconds")).isEqualTo(10);
    assertThat(evidence(h, "process_connects_per_second", "prober(1007)"))
        .isCloseTo(19, within(1e-9));
    assertThat(evidence(h, "folded_findings", "time-wait")).isEqualTo(20);
    assertThat(evidence(h, "folded_findings", "connection-churn")).isEqualTo(20);
    assertThat(HerdFolding.fold(findings)).as("folding again changes nothing").isEqualTo(findings);
  }

  @Test
  void doctorAndServeAgreeOnWhoAndHowMany() {
    FlowHorizon horizon = new FlowHorizon();
    for (int k = 0; k < 10; k++) {
      horizon.add(NOW - 9 + k, Optional.of(HerdFixture.mesh(20, 1, 1, 1, T0 + k * 1_000_000_000L)));
    }
    Finding serve = about8558(tick(history(), horizon.window())).getFirst();
    // doctor: two samples 10 s apart, the same events in one window
    Finding doctor =
        new NamespaceDoctor(Detectors.all())
            .examine(
                Optional.empty(),
                NodeScan.single(MESH)
                    .withActivity(Optional.of(HerdFixture.mesh(20, 10, 10, 1, T0))),
                0,
                DoctorConfig.DEFAULTS)
            .findings()
            .getFirst();
    assertThat(serve.subject().processes()).isEqualTo(doctor.subject().processes());
    assertThat(serve.title()).isEqualTo(doctor.title());
    for (String key : List.of("pairs", "connects_per_second", "pair_interval_median_seconds")) {
      assertThat(evidence(serve, key)).as(key).isCloseTo(evidence(doctor, key), within(1e-6));
    }
  }

  @Test
  void theHorizonForgetsWhatIsOlderThanAMinuteAndEmptiesWithoutEvents() {
    FlowHorizon horizon = new FlowHorizon();
    for (int k = 0; k < 100; k++) {
      horizon.add(NOW + k, Optional.of(HerdFixture.mesh(3, 1, 1, 1, T0 + k * 1_000_000_000L)));
    }
    assertThat(horizon.windows()).isEqualTo(60);
    assertThat(horizon.window().orElseThrow().seconds()).isEqualTo(60);
    assertThat(horizon.window().orElseThrow().flows().getFirst().connects()).isEqualTo(60);
    horizon.add(NOW + 100, Optional.empty());
    assertThat(horizon.window()).isEmpty();
    assertThat(horizon.windows()).isZero();
  }

  @Test
  void churnNamesTheOpenersFromTheEvents() {
    TrendFixture f = new TrendFixture();
    String d = "10.0.0.7:443";
    f.series(SeriesNames.destination(SeriesNames.DESTINATION_NEW, d), NOW - 120, NOW, t -> 20);
    f.series(SeriesNames.node(SeriesNames.ACTIVE_OPENS), NOW - 120, NOW, t -> 20);
    ConnectionActivity events =
        HerdFixture.activity(
            60, List.of(HerdFixture.flow(77, "curl", "", "10.0.0.7", 443, 1200, T0, 0.05)));
    TrendInput in =
        new TrendInput(
            NOW,
            f.history,
            Optional.of(
                TrendFixture.stats(
                    List.of(),
                    List.of(
                        new TickStats.DestinationStat(d, 1, 1200, 20, 20, List.of("java(9)"))))),
            Optional.empty(),
            NODE,
            f.openers,
            CONFIG,
            Optional.of(events));
    Finding c = new ChurnDetector().detect(in).getFirst();
    assertThat(c.subject().processes()).containsExactly("curl(77)");
    assertThat(c.title()).isEqualTo("curl(77) opens 20 new connections/s to 10.0.0.7:443");
    // without events: the holder of the one open connection, as before
    TrendInput untraced =
        new TrendInput(
            NOW,
            f.history,
            in.stats(),
            Optional.empty(),
            NODE,
            f.openers,
            CONFIG,
            Optional.empty());
    assertThat(new ChurnDetector().detect(untraced).getFirst().subject().processes())
        .containsExactly("java(9)");
  }
}
