package io.sockwatch.watch;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

class SocketLeakDetectorTest {

  private static final String JAVA = "java(123)";
  private static final NodeStats NODE = TrendFixture.node(new PortRange(32768, 60999));
  private static final WatchConfig WINDOW_300 = TrendFixture.config(300, Map.of());

  private final SocketLeakDetector detector = new SocketLeakDetector();
  private final TrendFixture f = new TrendFixture();

  private void history(long from, LongToDoubleFunction sockets, LongToDoubleFunction closeWait) {
    f.series(SeriesNames.process(SeriesNames.PROCESS_SOCKETS, JAVA), from, NOW, sockets);
    f.series(SeriesNames.process(SeriesNames.PROCESS_CLOSE_WAIT, JAVA), from, NOW, closeWait);
  }

  private List<Finding> detect(long openFiles, long maxOpenFiles, WatchConfig config) {
    TickStats.ProcessStat p =
        new TickStats.ProcessStat(JAVA, 123, 0, 0, 0, openFiles, maxOpenFiles);
    return detector.detect(f.input(NOW, TrendFixture.stats(List.of(p), List.of()), NODE, config));
  }

  @Test
  void closeWaitLeakGivesItsSlopeAndTimeToTheOpenFilesLimit() {
    // 2 CLOSE_WAIT sockets a second for the whole window, on top of 50 healthy connections
    history(NOW - 400, t -> 50 + 2.0 * (t - NOW + 400), t -> 2.0 * (t - NOW + 400));
    List<Finding> findings = detect(900, 1024, WINDOW_300);

    assertThat(findings).hasSize(1);
    Finding l = findings.getFirst();
    assertThat(l.id()).isEqualTo("socket-leak/" + JAVA);
    assertThat(l.subject().processes()).containsExactly(JAVA);
    assertThat(evidence(l, "socket_growth_per_second")).isCloseTo(2.0, within(1e-9));
    assertThat(evidence(l, "socket_growth_per_minute")).isCloseTo(120, within(1e-6));
    assertThat(evidence(l, "close_wait_growth_per_second")).isCloseTo(2.0, within(1e-9));
    assertThat(evidence(l, "close_wait_sockets")).isEqualTo(800);
    assertThat(evidence(l, "sockets")).isEqualTo(850);
    assertThat(evidence(l, "window_seconds")).isEqualTo(300);
    assertThat(evidence(l, "samples_in_window")).isEqualTo(300);
    // 124 descriptors left at 2 a second
    assertThat(evidence(l, "seconds_to_limit")).isCloseTo(62, within(1e-9));
    assertThat(l.headroom().orElseThrow().limit()).isEqualTo(1024);
    assertThat(l.headroom().orElseThrow().used()).isEqualTo(900);
    assertThat(l.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(l.title())
        .isEqualTo(
            "java(123) leaks connections: CLOSE_WAIT grows 120/min over the last 5 min (now"
                + " 800); at this rate it reaches its open-files limit (1024) in 62 s");
    assertThat(l.remediation()).contains("close()", "--pid 123 --state close-wait");
    assertThat(l.docPath()).isEqualTo("docs/detectors/socket-leak.md");
  }

  @Test
  void socketsRisingWithoutCloseWaitFarFromTheLimitIsAWarning() {
    history(NOW - 299, t -> 100 + 0.5 * (t - NOW + 299), t -> 0);
    Finding l = detect(300, 1_000_000, WINDOW_300).getFirst();
    assertThat(l.severity()).isEqualTo(Severity.WARNING);
    assertThat(hasEvidence(l, "close_wait_growth_per_second")).isFalse();
    assertThat(l.title()).startsWith("java(123) holds ever more sockets: +30/min over the last");
    assertThat(evidence(l, "seconds_to_limit")).isCloseTo((1_000_000 - 300) / 0.5, within(1e-6));
  }

  @Test
  void withoutDescriptorCountsThereIsNoTimeToLimit() {
    history(NOW - 299, t -> 100 + 0.5 * (t - NOW + 299), t -> 0);
    Finding l = detect(ProcessInfo.ABSENT, ProcessInfo.ABSENT, WINDOW_300).getFirst();
    assertThat(l.headroom()).isEmpty();
    assertThat(hasEvidence(l, "seconds_to_limit")).isFalse();
    assertThat(l.severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void burstsStepsAndSlowDriftAreNoLeak() {
    history(NOW - 299, t -> t > NOW - 170 && t < NOW - 130 ? 600 : 100, t -> 0);
    assertThat(detect(300, 1024, WINDOW_300)).as("burst").isEmpty();

    TrendFixture step = new TrendFixture();
    step.series(
        SeriesNames.process(SeriesNames.PROCESS_SOCKETS, JAVA),
        NOW - 299,
        NOW,
        t -> t > NOW - 200 ? 300 : 100);
    TickStats.ProcessStat p = new TickStats.ProcessStat(JAVA, 123, 0, 0, 0, 300, 1024);
    assertThat(
            detector.detect(
                step.input(NOW, TrendFixture.stats(List.of(p), List.of()), NODE, WINDOW_300)))
        .as("a pool that filled once")
        .isEmpty();
  }

  @Test
  void aSlowLeakNeedsAWindowLongEnoughToGrowPastTheMinimum() {
    // 3 sockets a minute: 10 more sockets take about 300 s between the thirds' middles
    history(NOW - 3600, t -> 100 + (t - NOW + 3600) / 20.0, t -> 0);
    assertThat(detect(300, 1024, TrendFixture.config(60, Map.of()))).isEmpty();
    assertThat(detect(300, 1024, TrendFixture.config(900, Map.of()))).hasSize(1);
  }

  @Test
  void tooShortAHistoryIsNoLeakYet() {
    history(NOW - 100, t -> 5.0 * (t - NOW + 100), t -> 0);
    assertThat(detect(300, 1024, WINDOW_300)).isEmpty();
    assertThat(detect(300, 1024, TrendFixture.config(200, Map.of()))).hasSize(1);
  }
}
