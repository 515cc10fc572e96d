package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ListenQueueDetectorTest {

  private static final ProcessInfo APP = new ProcessInfo(21, "app", "app");

  private final ListenQueueDetector detector = new ListenQueueDetector();

  private static SocketRecord listener(long queue, long backlog, long drops) {
    return Sock.listen("127.0.0.1:8080")
        .queues(queue, backlog)
        .cookie(7)
        .inode(50)
        .drops(drops)
        .build();
  }

  private static DoctorInput twoSamples(
      SocketRecord before, SocketRecord after, long overflowsBefore, long overflowsAfter) {
    var b =
        Inputs.snapshot(
            List.of(before),
            Map.of(50L, APP),
            Inputs.node(
                OptionalLong.empty(),
                Map.of("ListenOverflows", overflowsBefore, "ListenDrops", overflowsBefore)));
    var a =
        Inputs.snapshot(
            List.of(after),
            Map.of(50L, APP),
            Inputs.node(
                OptionalLong.empty(),
                Map.of("ListenOverflows", overflowsAfter, "ListenDrops", overflowsAfter)));
    return Inputs.twoSamples(b, a, 2, DoctorConfig.DEFAULTS);
  }

  @Test
  void aFullQueueThatDropsIsCriticalAndNamesProcessAndEndpoint() {
    List<Finding> f = detector.detect(twoSamples(listener(5, 4, 10), listener(5, 4, 16), 100, 106));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("listen-queue");
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.subject().processes()).containsExactly("app(21)");
    assertThat(finding.subject().local()).isEqualTo("127.0.0.1:8080");
    assertThat(finding.title())
        .contains("app(21)", "127.0.0.1:8080", "full", "5 of backlog 4", "6 connection attempts");
    assertThat(evidence(finding, "accept_queue_connections")).isEqualTo(5);
    assertThat(evidence(finding, "backlog_connections")).isEqualTo(4);
    assertThat(evidence(finding, "drops_in_interval")).isEqualTo(6);
    assertThat(evidence(finding, "drops_since_open")).isEqualTo(16);
    assertThat(evidence(finding, "listen_overflows")).isEqualTo(6);
    assertThat(evidence(finding, "listen_drops")).isEqualTo(6);
    assertThat(finding.headroom().get().used()).isEqualTo(5);
    assertThat(finding.headroom().get().limit()).isEqualTo(4);
    // Over the backlog and not growing: the limit is reached, not "never".
    assertThat(finding.headroom().get().secondsToLimit()).hasValue(0.0);
    assertThat(finding.remediation()).contains("app(21)", "accept()", "somaxconn", "backlog");
  }

  @Test
  void aFillingQueueIsAWarningWithTimeToFull() {
    List<Finding> f = detector.detect(twoSamples(listener(70, 100, 0), listener(85, 100, 0), 0, 0));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.title()).contains("85% full");
    // 15 more in 2 s: 7.5/s; 15 left: 2 s.
    assertThat(finding.headroom().get().secondsToLimit().getAsDouble()).isEqualTo(2.0);
    assertThat(evidence(finding, "drops_in_interval")).isZero();
  }

  @Test
  void belowTheFractionNothingIsReported() {
    assertThat(detector.detect(twoSamples(listener(70, 100, 0), listener(79, 100, 0), 0, 0)))
        .isEmpty();
    var lax = new DoctorConfig(Map.of("listen-queue.fraction", 0.5), 3600, Map.of());
    var once = Inputs.once(Inputs.snapshot(List.of(listener(60, 100, 0)), Map.of(50L, APP)), lax);
    assertThat(detector.detect(once)).hasSize(1);
  }

  @Test
  void dropsAloneAreCriticalEvenWithAnEmptyQueueNow() {
    List<Finding> f = detector.detect(twoSamples(listener(0, 128, 3), listener(0, 128, 5), 3, 5));
    assertThat(f).hasSize(1);
    assertThat(f.getFirst().severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void nodeCounterGrowthNoListenerExplainsIsReportedForTheNode() {
    List<Finding> f = detector.detect(twoSamples(listener(0, 128, 0), listener(0, 128, 0), 10, 14));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.subject()).isEqualTo(Subject.NODE);
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(evidence(finding, "listen_overflows")).isEqualTo(4);
    assertThat(finding.title()).startsWith("4 incoming connection attempts were dropped");
  }

  @Test
  void theProcSourceHasNoBacklogAndOneSampleHasNoDeltas() {
    var proc = Sock.listen("127.0.0.1:8080").queues(300, SocketRecord.ABSENT).inode(50).build();
    var once = Inputs.once(Inputs.snapshot(List.of(proc), Map.of(50L, APP)), DoctorConfig.DEFAULTS);
    assertThat(detector.detect(once)).isEmpty();

    var full =
        Inputs.once(
            Inputs.snapshot(List.of(listener(5, 4, 9)), Map.of(50L, APP)), DoctorConfig.DEFAULTS);
    Finding f = detector.detect(full).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(hasEvidence(f, "drops_in_interval")).isFalse();
    assertThat(hasEvidence(f, "listen_overflows")).isFalse();
    assertThat(evidence(f, "drops_since_open")).isEqualTo(9);
    assertThat(f.headroom().orElseThrow().secondsToLimit()).as("no rate from one sample").isEmpty();
  }
}
