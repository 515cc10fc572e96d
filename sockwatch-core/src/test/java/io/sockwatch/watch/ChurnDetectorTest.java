package io.sockwatch.watch;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.analysis.Inputs;
import io.sockwatch.analysis.Sock;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class ChurnDetectorTest {

  private static final String DEST = "10.0.0.7:443";
  private static final NodeStats NODE = TrendFixture.node(new PortRange(32768, 60999));
  private static final WatchConfig DEFAULTS = TrendFixture.config(300, Map.of());

  private final ChurnDetector detector = new ChurnDetector();
  private final TrendFixture f = new TrendFixture();

  /** Per-scan rates to DEST (and the share of them already in TIME_WAIT) and node active opens. */
  private void rates(
      long from, LongToDoubleFunction perSecond, double shortLived, double activeOpens) {
    f.series(SeriesNames.destination(SeriesNames.DESTINATION_NEW, DEST), from, NOW, perSecond);
    f.series(
        SeriesNames.destination(SeriesNames.DESTINATION_NEW_TIME_WAIT, DEST),
        from,
        NOW,
        t -> shortLived * perSecond.applyAsDouble(t));
    f.series(SeriesNames.node(SeriesNames.ACTIVE_OPENS), from, NOW, t -> activeOpens);
  }

  private static TickStats.DestinationStat dest(int open, int timeWait, List<String> holders) {
    return new TickStats.DestinationStat(DEST, open, timeWait, 50, 49, holders);
  }

  private List<Finding> detect(TickStats.DestinationStat d, NodeStats node, WatchConfig config) {
    return detector.detect(f.input(NOW, TrendFixture.stats(List.of(), List.of(d)), node, config));
  }

  @Test
  void steadyShortLivedChurnThatFilledTimeWaitIsAHerd() {
    rates(NOW - 120, t -> 50 + (t % 2), 0.98, 52);
    List<Finding> findings = detect(dest(1, 3000, List.of("java(123)")), NODE, DEFAULTS);

    assertThat(findings).hasSize(1);
    Finding c = findings.getFirst();
    assertThat(c.id()).isEqualTo("connection-churn/to " + DEST);
    assertThat(c.severity()).isEqualTo(Severity.WARNING);
    assertThat(c.subject().destination()).isEqualTo(DEST);
    assertThat(c.subject().processes()).containsExactly("java(123)");
    assertThat(c.title())
        .isEqualTo(
            "Thundering herd to 10.0.0.7:443: java(123) opens a steady 50 short-lived"
                + " connections/s; 3000 TIME_WAIT, rate x 60 s");
    // window NOW-4..NOW: 50, 51, 50, 51, 50 (NOW is even)
    assertThat(evidence(c, "new_connections_per_second")).isEqualTo(50);
    assertThat(evidence(c, "active_opens_per_second")).isEqualTo(52);
    assertThat(evidence(c, "window_seconds")).isEqualTo(5);
    assertThat(evidence(c, "scans_in_window")).isEqualTo(5);
    assertThat(evidence(c, "first_seen_in_time_wait_percent")).isCloseTo(98, within(1e-3));
    assertThat(evidence(c, "rate_variation_percent")).isLessThan(1.5);
    assertThat(evidence(c, "expected_time_wait_sockets")).isEqualTo(3000);
    assertThat(evidence(c, "ports_in_use")).isEqualTo(3001);
    assertThat(evidence(c, "ports_needed")).isEqualTo(3001);
    assertThat(evidence(c, "ip_local_port_range_ports")).isEqualTo(28232);
    assertThat(c.headroom().orElseThrow().secondsToLimit())
        .as("plateaus below the range")
        .isEmpty();
    assertThat(c.remediation())
        .startsWith("A fresh connection per probe")
        .contains("sockwatch plan");
    assertThat(c.docPath()).isEqualTo("docs/detectors/connection-churn.md");
  }

  @Test
  void youngChurnIsChurnUntilTimeWaitAccountsForAMinuteOfIt() {
    rates(NOW - 10, t -> 50, 0.98, 52);
    Finding c = detect(dest(1, 500, List.of("java(123)")), NODE, DEFAULTS).getFirst();
    assertThat(c.title())
        .isEqualTo(
            "java(123) opens 50 new connections/s to 10.0.0.7:443 and closes each before the"
                + " next scan instead of reusing it");
    assertThat(c.remediation()).startsWith("Reuse connections to 10.0.0.7:443");
  }

  @Test
  void unsteadyChurnIsNoHerd() {
    rates(NOW - 120, t -> t % 2 == 0 ? 80 : 30, 0.98, 80);
    Finding c = detect(dest(1, 3300, List.of("java(123)")), NODE, DEFAULTS).getFirst();
    assertThat(c.title()).doesNotContain("herd");
    assertThat(evidence(c, "rate_variation_percent")).isGreaterThan(25);
  }

  @Test
  void longerLivedChurnIsNoHerd() {
    rates(NOW - 120, t -> 50, 0.2, 52);
    Finding c = detect(dest(40, 600, List.of("java(123)")), NODE, DEFAULTS).getFirst();
    assertThat(c.title()).isEqualTo("java(123) opens 50 new connections/s to 10.0.0.7:443");
  }

  @Test
  void aBurstIsNoChurn() {
    // one scan saw 400 new connections; the median of the window is 2
    rates(NOW - 60, t -> t == NOW - 1 ? 400 : 2, 1, 400);
    assertThat(detect(dest(0, 400, List.of()), NODE, DEFAULTS)).isEmpty();
  }

  @Test
  void aSlowRateIsNoChurnUnlessTheThresholdSaysSo() {
    rates(NOW - 60, t -> 8, 1, 8);
    assertThat(detect(dest(0, 480, List.of()), NODE, DEFAULTS)).isEmpty();
    WatchConfig lower = TrendFixture.config(300, Map.of("connection-churn.rate", 5.0));
    assertThat(detect(dest(0, 480, List.of()), NODE, lower)).hasSize(1);
  }

  @Test
  void theNodesActiveOpensCapTheRate() {
    // scans saw 50 "new" cookies/s, but the node opened only 3 connections/s: sockets a busy dump
    // skipped and the next one saw again look new
    rates(NOW - 60, t -> 50, 0, 3);
    assertThat(detect(dest(200, 0, List.of()), NODE, DEFAULTS)).isEmpty();
  }

  @Test
  void withoutNodeCountersTheScansDecide() {
    f.series(SeriesNames.destination(SeriesNames.DESTINATION_NEW, DEST), NOW - 30, NOW, t -> 20);
    Finding c = detect(dest(0, 600, List.of()), NODE, DEFAULTS).getFirst();
    assertThat(evidence(c, "new_connections_per_second")).isEqualTo(20);
    assertThat(hasEvidence(c, "active_opens_per_second")).isFalse();
    assertThat(evidence(c, "first_seen_in_time_wait_percent")).isZero();
  }

  @Test
  void sparseScansStillGiveThreePoints() {
    // scans every 4 s: a 5 s window holds two, so the last three are used
    for (long t = NOW - 40; t <= NOW; t += 4) {
      f.history.record(SeriesNames.destination(SeriesNames.DESTINATION_NEW, DEST), t, 30);
    }
    Finding c = detect(dest(0, 1800, List.of()), NODE, DEFAULTS).getFirst();
    assertThat(evidence(c, "scans_in_window")).isEqualTo(3);
    assertThat(evidence(c, "window_seconds")).isEqualTo(9);
  }

  @Test
  void openersAreNamedBeforeHoldersAndAnUnknownOpenerIsSaidSo() {
    rates(NOW - 60, t -> 50, 1, 50);
    assertThat(detect(dest(0, 3000, List.of()), NODE, DEFAULTS).getFirst().title())
        .startsWith(
            "Thundering herd to 10.0.0.7:443: an unknown process (TIME_WAIT has no owner and"
                + " none of its connections was caught open) opens a steady 50");

    f.openers.update(
        Inputs.snapshot(
            List.of(Sock.established("10.0.0.1:40000", DEST).cookie(7).inode(7).build()),
            Map.of(7L, new ProcessInfo(321, "curl", "curl"))),
        new long[] {7},
        NOW - 30);
    Finding named = detect(dest(1, 3000, List.of("java(123)")), NODE, DEFAULTS).getFirst();
    assertThat(named.subject().processes()).containsExactly("curl(321)", "java(123)");
    assertThat(named.title()).contains(": curl(321), java(123) open a steady 50");
  }

  @Test
  void churnThatNeedsMorePortsThanTheRangeIsCriticalWithTimeToLimit() {
    NodeStats narrow = TrendFixture.node(new PortRange(60000, 60999));
    rates(NOW - 60, t -> 50, 1, 50);
    Finding c = detect(dest(0, 400, List.of("java(123)")), narrow, DEFAULTS).getFirst();
    assertThat(c.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(c, "ports_needed")).isEqualTo(3000);
    // 600 ports left at 50 new TIME_WAIT per second
    assertThat(evidence(c, "seconds_to_limit")).isEqualTo(12);
    assertThat(c.headroom().orElseThrow().secondsToLimit().getAsDouble()).isEqualTo(12);
    assertThat(c.headroom().orElseThrow().limit()).isEqualTo(1000);
  }
}
