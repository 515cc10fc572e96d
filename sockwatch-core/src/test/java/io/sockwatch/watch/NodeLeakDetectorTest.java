package io.sockwatch.watch;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.WatchConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NodeLeakDetectorTest {

  private static final WatchConfig WINDOW_300 = TrendFixture.config(300, Map.of());

  private final NodeLeakDetector detector = new NodeLeakDetector();
  private final TrendFixture f = new TrendFixture();

  private List<Finding> detect(NodeStats node) {
    return detector.detect(
        f.input(NOW, TrendFixture.stats(List.of(), List.of()), node, WINDOW_300));
  }

  @Test
  void orphansRisingTowardTcpMaxOrphansGiveTheTimeToIt() {
    f.series(SeriesNames.node(SeriesNames.TCP_ORPHANS), NOW - 299, NOW, t -> 2000 + (t - NOW));
    NodeStats node = TrendFixture.node(Optional.empty(), OptionalLong.of(8192), Optional.empty());

    List<Finding> findings = detect(node);

    assertThat(findings).hasSize(1);
    Finding o = findings.getFirst();
    assertThat(o.id()).isEqualTo("node-leak/orphans");
    assertThat(evidence(o, "growth_per_second")).isCloseTo(1, within(1e-9));
    assertThat(evidence(o, "growth_per_minute")).isCloseTo(60, within(1e-9));
    assertThat(evidence(o, "current")).isEqualTo(2000);
    assertThat(evidence(o, "limit")).isEqualTo(8192);
    assertThat(evidence(o, "seconds_to_limit")).isCloseTo(6192, within(1e-6));
    assertThat(o.severity()).isEqualTo(Severity.WARNING);
    assertThat(o.title())
        .isEqualTo(
            "Orphaned sockets rising: +60 sockets/min over the last 5 min (now 2000);"
                + " tcp_max_orphans is reached in 103 min");
    assertThat(o.headroom().orElseThrow().secondsToLimit().getAsDouble())
        .isCloseTo(6192, within(1e-6));
  }

  @Test
  void tcpMemoryCloseToTcpMemMaxIsCritical() {
    f.series(
        SeriesNames.node(SeriesNames.TCP_MEMORY), NOW - 299, NOW, t -> 90_000 + 20 * (t - NOW));
    NodeStats node =
        TrendFixture.node(
            Optional.empty(),
            OptionalLong.empty(),
            Optional.of(new TcpMemLimits(40_000, 60_000, 100_000)));
    Finding m = detect(node).getFirst();
    assertThat(m.id()).isEqualTo("node-leak/tcp-memory");
    assertThat(m.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(m, "limit")).isEqualTo(100_000);
    assertThat(evidence(m, "seconds_to_limit")).isCloseTo(500, within(1e-6));
  }

  @Test
  void insideANamespaceWithoutTheSysctlTheRiseIsStillReported() {
    f.series(SeriesNames.node(SeriesNames.TCP_ORPHANS), NOW - 299, NOW, t -> 2000 + (t - NOW));
    Finding o =
        detect(TrendFixture.node(Optional.empty(), OptionalLong.empty(), Optional.empty()))
            .getFirst();
    assertThat(o.headroom()).isEmpty();
    assertThat(hasEvidence(o, "seconds_to_limit")).isFalse();
    assertThat(o.title()).endsWith("(now 2000)");
  }

  @Test
  void smallOrFlatMovesAreNoTrend() {
    // 5 orphans a minute: below the 10/min default
    f.series(
        SeriesNames.node(SeriesNames.TCP_ORPHANS), NOW - 299, NOW, t -> 100 + (t - NOW) / 12.0);
    // memory that breathes with traffic but does not climb
    f.series(
        SeriesNames.node(SeriesNames.TCP_MEMORY),
        NOW - 299,
        NOW,
        t -> 50_000 + 20_000 * Math.sin(t / 7.0));
    assertThat(
            detect(
                TrendFixture.node(
                    Optional.empty(),
                    OptionalLong.of(8192),
                    Optional.of(new TcpMemLimits(40_000, 60_000, 100_000)))))
        .isEmpty();
  }
}
