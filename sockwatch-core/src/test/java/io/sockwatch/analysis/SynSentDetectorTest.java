package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SynSentDetectorTest {

  private static final ProcessInfo CURL = new ProcessInfo(55, "curl", "curl");
  private static final ProcessInfo JAVA = new ProcessInfo(12, "java", "java");

  private final SynSentDetector detector = new SynSentDetector();

  private static SocketRecord synSent(String local, String remote, int retransmits, long inode) {
    return Sock.of(TcpState.SYN_SENT, local, remote)
        .timer(SocketTimer.RETRANSMIT, retransmits, 1000)
        .set(TcpInfoField.RETRANSMITS, retransmits)
        .inode(inode)
        .build();
  }

  @Test
  void unansweredConnectsAreGroupedPerDestinationWithEveryWaitingProcess() {
    var a = synSent("10.0.0.1:40000", "10.0.0.9:443", 1, 100);
    var b = synSent("10.0.0.1:40001", "10.0.0.9:443", 2, 101);
    var c = synSent("10.0.0.1:40002", "10.0.0.9:443", 1, 102);
    var fresh = synSent("10.0.0.1:40003", "10.0.0.8:443", 0, 103);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(a, b, c, fresh),
                    Map.of(100L, CURL, 101L, JAVA, 102L, CURL, 103L, JAVA)),
                DoctorConfig.DEFAULTS));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("syn-sent");
    assertThat(finding.key()).isEqualTo("10.0.0.9:443");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.9:443");
    assertThat(finding.subject().processes()).containsExactly("java(12)", "curl(55)");
    assertThat(evidence(finding, "unanswered_attempts")).isEqualTo(3);
    assertThat(evidence(finding, "max_syn_retransmits")).isEqualTo(2);
    assertThat(evidence(finding, "waiting_at_least_seconds")).isEqualTo(3);
    assertThat(finding.title()).contains("3 connection attempts", "10.0.0.9:443", "up to 2 times");
    assertThat(finding.remediation()).contains("10.0.0.9:443", "firewall", "tcp_syn_retries");
  }

  @Test
  void manyRetransmitsAreCritical() {
    var s = synSent("10.0.0.1:40000", "10.0.0.9:443", 3, 100);
    Finding f =
        detector
            .detect(
                Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, CURL)), DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(f, "waiting_at_least_seconds")).isEqualTo(7);
  }

  @Test
  void theProcSourceCountIsEnoughWithoutTcpInfo() {
    var s =
        Sock.of(TcpState.SYN_SENT, "10.0.0.1:40000", "10.0.0.9:443")
            .timer(SocketTimer.RETRANSMIT, 2, 1000)
            .noInfo()
            .inode(100)
            .build();
    Finding f =
        detector
            .detect(
                Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, CURL)), DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(evidence(f, "max_syn_retransmits")).isEqualTo(2);
  }

  @Test
  void thresholdOverrideAndOtherStatesAreRespected() {
    var one = synSent("10.0.0.1:40000", "10.0.0.9:443", 1, 100);
    var established =
        Sock.established("10.0.0.1:40001", "10.0.0.9:443")
            .timer(SocketTimer.RETRANSMIT, 4, 1000)
            .inode(101)
            .build();
    var snap = Inputs.snapshot(List.of(one, established), Map.of(100L, CURL, 101L, CURL));
    var strict = new DoctorConfig(Map.of("syn-sent.min-retransmits", 2.0), 3600, Map.of());
    assertThat(detector.detect(Inputs.once(snap, strict))).isEmpty();
    assertThat(detector.detect(Inputs.once(snap, DoctorConfig.DEFAULTS))).hasSize(1);
  }

  @Test
  void aLocalListenerWithAFullQueueIsNamedAsTheCause() {
    var listener = Sock.listen("0.0.0.0:8080").queues(129, 128).inode(50).build();
    var s = synSent("127.0.0.1:40000", "127.0.0.1:8080", 2, 100);
    var server = new ProcessInfo(77, "server", "server");
    Finding f =
        detector
            .detect(
                Inputs.once(
                    Inputs.snapshot(List.of(listener, s), Map.of(50L, server, 100L, CURL)),
                    DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(f.subject().processes()).containsExactly("curl(55)");
    assertThat(f.remediation())
        .contains("server(77)", "accept queue is full (129 of backlog 128)", "listen-queue");

    var idle = Sock.listen("0.0.0.0:8080").queues(0, 128).inode(50).build();
    Finding g =
        detector
            .detect(
                Inputs.once(
                    Inputs.snapshot(List.of(idle, s), Map.of(50L, server, 100L, CURL)),
                    DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(g.remediation()).contains("server(77)", "local firewall rule");
  }
}
