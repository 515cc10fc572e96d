package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.snapshot.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConntrackDetectorTest {

  private static Snapshot snapshot(OptionalLong count, OptionalLong max) {
    KernelTunables t =
        new KernelTunables(
            Optional.empty(),
            Optional.empty(),
            List.of(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            count,
            max,
            OptionalLong.empty(), OptionalLong.empty());
    NodeStats n = new NodeStats(Map.of(), Map.of(), Map.of(), t, List.of());
    return new Snapshot(
        Instant.EPOCH, "netlink", List.of(), SocketOwners.EMPTY, true, Optional.of(n), List.of());
  }

  private static List<Finding> detect(Snapshot before, Snapshot after, DoctorConfig config) {
    return new ConntrackDetector()
        .detect(
            new DoctorInput(Optional.ofNullable(before), after, before == null ? 0 : 2, config));
  }

  @Test
  void severityFollowsTheFillAndTheTimeToFullFollowsTheGrowth() {
    Snapshot before = snapshot(OptionalLong.of(800), OptionalLong.of(1000));
    Snapshot after = snapshot(OptionalLong.of(920), OptionalLong.of(1000));
    Finding f = detect(before, after, DoctorConfig.DEFAULTS).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).contains("92%");
    assertThat(evidence(f, "nf_conntrack_count")).isEqualTo(920);
    assertThat(evidence(f, "nf_conntrack_max")).isEqualTo(1000);
    assertThat(f.headroom().orElseThrow().secondsToLimit().getAsDouble())
        .isEqualTo(80.0 / 60); // 60/s
    assertThat(
            detect(
                null, snapshot(OptionalLong.of(800), OptionalLong.of(1000)), DoctorConfig.DEFAULTS))
        .extracting(Finding::severity)
        .containsExactly(Severity.WARNING);
    assertThat(
            detect(
                null, snapshot(OptionalLong.of(700), OptionalLong.of(1000)), DoctorConfig.DEFAULTS))
        .isEmpty();
  }

  @Test
  void aFullTableIsAtItsLimitGrowingOrNot() {
    Snapshot full = snapshot(OptionalLong.of(1000), OptionalLong.of(1000));
    Snapshot over = snapshot(OptionalLong.of(1100), OptionalLong.of(1000));
    assertThat(detect(full, full, DoctorConfig.DEFAULTS).getFirst().headroom().orElseThrow())
        .satisfies(h -> assertThat(h.secondsToLimit()).as("not growing").hasValue(0.0));
    // Over the limit (nf_conntrack_max lowered below the count) and growing: 0, not negative.
    assertThat(detect(full, over, DoctorConfig.DEFAULTS).getFirst().headroom().orElseThrow())
        .satisfies(h -> assertThat(h.secondsToLimit()).hasValue(0.0));
    assertThat(detect(null, full, DoctorConfig.DEFAULTS).getFirst().headroom().orElseThrow())
        .satisfies(h -> assertThat(h.secondsToLimit()).as("one sample").isEmpty());
  }

  @Test
  void thresholdsAreConfigurable() {
    var config = new DoctorConfig(Map.of("conntrack.warning", 0.5), 3600, Map.of());
    assertThat(detect(null, snapshot(OptionalLong.of(600), OptionalLong.of(1000)), config))
        .hasSize(1);
  }

  @Test
  void noConntrackModuleMeansNoFindingAndNoError() {
    assertThat(
            detect(
                null, snapshot(OptionalLong.empty(), OptionalLong.empty()), DoctorConfig.DEFAULTS))
        .isEmpty();
    assertThat(
            detect(null, snapshot(OptionalLong.of(5), OptionalLong.of(0)), DoctorConfig.DEFAULTS))
        .isEmpty();
  }
}
