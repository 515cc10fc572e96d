package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstDataLostDetectorTest {

  private static final ProcessInfo CURL = new ProcessInfo(55, "curl", "curl");
  private static final ProcessInfo JAVA = new ProcessInfo(12, "java", "java");

  private final FirstDataLostDetector detector = new FirstDataLostDetector();

  /**
   * An established connection that sent {@code bytes} of data which were never acknowledged (only
   * the SYN was: bytes_acked 1) and retransmitted {@code retransmits} times, as on a 6.18 kernel.
   */
  private static Sock lost(String local, String remote, int retransmits, long bytes, long inode) {
    return Sock.established(local, remote)
        .timer(SocketTimer.RETRANSMIT, retransmits, 800)
        .queues(0, bytes)
        .set(TcpInfoField.BYTES_ACKED, 1)
        .set(TcpInfoField.UNACKED, 1)
        .set(TcpInfoField.DATA_SEGS_OUT, 1 + retransmits)
        .set(TcpInfoField.RETRANSMITS, retransmits)
        .set(TcpInfoField.BACKOFF, retransmits)
        .set(TcpInfoField.TOTAL_RETRANS, retransmits)
        .set(TcpInfoField.BYTES_SENT, bytes * (1 + retransmits))
        .set(TcpInfoField.SND_MSS, 1448)
        .set(TcpInfoField.PMTU, 1500)
        .set(TcpInfoField.LAST_ACK_RECV, 3000)
        .inode(inode);
  }

  private List<Finding> detect(List<SocketRecord> sockets, Map<Long, ProcessInfo> owners) {
    return detect(sockets, owners, DoctorConfig.DEFAULTS);
  }

  private List<Finding> detect(
      List<SocketRecord> sockets, Map<Long, ProcessInfo> owners, DoctorConfig config) {
    return detector.detect(Inputs.once(Inputs.snapshot(sockets, owners), config));
  }

  @Test
  void lostFirstDataIsGroupedPerProcessAndDestination() {
    var a = lost("10.0.0.1:40000", "10.0.0.9:443", 1, 517, 100).build();
    var b =
        lost("10.0.0.1:40001", "10.0.0.9:443", 2, 2000, 101)
            .set(TcpInfoField.LAST_ACK_RECV, 4500)
            .build();
    var other = lost("10.0.0.1:40002", "10.0.0.8:443", 1, 100, 102).build();
    List<Finding> f =
        detect(List.of(a, b, other), Map.of(100L, JAVA, 101L, JAVA, 102L, CURL)).stream()
            .filter(x -> x.subject().destination().equals("10.0.0.9:443"))
            .toList();
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("first-data-lost");
    assertThat(finding.key()).isEqualTo("java(12)->10.0.0.9:443");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.subject().processes()).containsExactly("java(12)");
    assertThat(evidence(finding, "stalled_connections")).isEqualTo(2);
    assertThat(evidence(finding, "max_first_data_retransmits")).isEqualTo(2);
    assertThat(evidence(finding, "longest_since_ack_seconds")).isEqualTo(4.5);
    assertThat(evidence(finding, "unacked_bytes")).isEqualTo(2517);
    assertThat(evidence(finding, "sent_bytes")).isEqualTo(517 * 2 + 2000 * 3);
    assertThat(evidence(finding, "snd_mss_bytes")).isEqualTo(1448);
    assertThat(evidence(finding, "pmtu_bytes")).isEqualTo(1500);
    assertThat(finding.title())
        .contains("2 connections from java(12) to 10.0.0.9:443", "up to 2 times", "4.5 s");
    assertThat(finding.remediation())
        .contains("java(12)", "10.0.0.9:443", "MTU", "maxseg", "tcp_mtu_probing", "snd_mss 1448");
    assertThat(finding.docPath()).isEqualTo("docs/detectors/first-data-lost.md");
  }

  @Test
  void threeRetransmitsAreCriticalAndThresholdsCanBeOverridden() {
    var one = lost("10.0.0.1:40000", "10.0.0.9:443", 1, 100, 100).build();
    var three = lost("10.0.0.1:40001", "10.0.0.8:443", 3, 100, 101).build();
    var owners = Map.of(100L, CURL, 101L, CURL);
    List<Finding> f = detect(List.of(one, three), owners);
    assertThat(f)
        .extracting(x -> x.subject().destination(), Finding::severity)
        .containsExactlyInAnyOrder(
            tuple("10.0.0.9:443", Severity.WARNING), tuple("10.0.0.8:443", Severity.CRITICAL));

    var strict =
        Inputs.config(
            3600,
            Map.of(
                "first-data-lost.min-retransmits", 2.0,
                "first-data-lost.critical-retransmits", 5.0));
    List<Finding> g = detect(List.of(one, three), owners, strict);
    assertThat(g).hasSize(1);
    assertThat(g.getFirst().subject().destination()).isEqualTo("10.0.0.8:443");
    assertThat(g.getFirst().severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void eitherRetransmitCountIsEnough() {
    var timerOnly =
        lost("10.0.0.1:40000", "10.0.0.9:443", 2, 100, 100)
            .set(TcpInfoField.RETRANSMITS, 0)
            .build();
    var infoOnly =
        lost("10.0.0.1:40001", "10.0.0.9:443", 3, 100, 101)
            .timer(SocketTimer.RETRANSMIT, 0, 800)
            .build();
    Finding f = detect(List.of(timerOnly, infoOnly), Map.of(100L, CURL, 101L, CURL)).getFirst();
    assertThat(evidence(f, "stalled_connections")).isEqualTo(2);
    assertThat(evidence(f, "max_first_data_retransmits")).isEqualTo(3);
  }

  @Test
  void socketsWithoutTheNeededTcpInfoAreSkippedNotTakenAsZero() {
    // The /proc source: a retransmit timer count but no tcp_info, so bytes_acked is unknown.
    var proc = lost("10.0.0.1:40000", "10.0.0.9:443", 3, 100, 100).noInfo().build();
    // A kernel whose tcp_info ends before bytes_acked (offset 120): reads as absent, not 0.
    var old = lost("10.0.0.1:40001", "10.0.0.9:443", 3, 100, 101).infoLength(120).build();
    assertThat(detect(List.of(proc, old), Map.of(100L, CURL, 101L, CURL))).isEmpty();
  }

  @Test
  void evidenceAKernelDoesNotSendIsLeftOut() {
    // 4.6-era length: bytes_acked and data_segs_out present, bytes_sent (offset 200) not.
    var s = lost("10.0.0.1:40000", "10.0.0.9:443", 2, 100, 100).infoLength(160).build();
    Finding f = detect(List.of(s), Map.of(100L, CURL)).getFirst();
    assertThat(hasEvidence(f, "sent_bytes")).isFalse();
    assertThat(evidence(f, "snd_mss_bytes")).isEqualTo(1448);
  }

  @Test
  void acknowledgedDataIsNotThisFindingEvenWhenTheReplyIsLateOrLaterDataIsLost() {
    // The request was acknowledged; the peer simply has not answered yet.
    var waitingForReply =
        lost("10.0.0.1:40000", "10.0.0.9:443", 0, 0, 100)
            .timer(SocketTimer.OFF, 0, 0)
            .set(TcpInfoField.BYTES_ACKED, 518)
            .set(TcpInfoField.UNACKED, 0)
            .build();
    // Data flowed, then a later send is retransmitted: loss mid-stream (retransmissions).
    var laterLoss =
        lost("10.0.0.1:40001", "10.0.0.9:443", 3, 100, 101)
            .set(TcpInfoField.BYTES_ACKED, 5001)
            .build();
    assertThat(detect(List.of(waitingForReply, laterLoss), Map.of(100L, CURL, 101L, CURL)))
        .isEmpty();
  }

  @Test
  void handshakesAndConnectionsWithoutDataAreLeftToOtherDetectors() {
    // Still in SYN_SENT, retransmitting with nothing acknowledged: syn-sent's subject.
    var attempt =
        Sock.of(TcpState.SYN_SENT, "10.0.0.1:40000", "10.0.0.9:443")
            .timer(SocketTimer.RETRANSMIT, 3, 1000)
            .set(TcpInfoField.RETRANSMITS, 3)
            .set(TcpInfoField.UNACKED, 1)
            .inode(100)
            .build();
    // Established after 4 SYN retransmissions; nothing sent yet (an idle connection).
    var idle =
        lost("10.0.0.1:40001", "10.0.0.9:443", 0, 0, 101)
            .timer(SocketTimer.OFF, 0, 0)
            .set(TcpInfoField.UNACKED, 0)
            .set(TcpInfoField.DATA_SEGS_OUT, 0)
            .set(TcpInfoField.TOTAL_RETRANS, 4)
            .build();
    // Same, with a request just sent and in flight: the SYN retransmissions do not count.
    var justSent =
        lost("10.0.0.1:40002", "10.0.0.9:443", 0, 100, 102)
            .set(TcpInfoField.TOTAL_RETRANS, 4)
            .build();
    // An established connection probing a zero window: the timer counts probes, not retransmits.
    var zeroWindow =
        lost("10.0.0.1:40003", "10.0.0.9:443", 0, 100, 103)
            .timer(SocketTimer.ZERO_WINDOW_PROBE, 5, 800)
            .build();
    List<SocketRecord> all = List.of(attempt, idle, justSent, zeroWindow);
    assertThat(detect(all, Map.of(100L, CURL, 101L, CURL, 102L, CURL, 103L, CURL))).isEmpty();
  }

  @Test
  void aServerWhoseGreetingIsLostIsGroupedByItsListener() {
    var listener = Sock.listen("0.0.0.0:25").inode(50).build();
    var a = lost("10.0.0.1:25", "10.0.0.7:50000", 2, 80, 100).build();
    var b = lost("10.0.0.1:25", "10.0.0.8:50001", 1, 80, 101).build();
    Finding f =
        detect(List.of(listener, a, b), Map.of(50L, JAVA, 100L, JAVA, 101L, JAVA)).getFirst();
    assertThat(f.key()).isEqualTo("java(12)@10.0.0.1:25");
    assertThat(f.subject().local()).isEqualTo("10.0.0.1:25");
    assertThat(f.subject().destination()).isEqualTo("10.0.0.7:50000, 10.0.0.8:50001");
    assertThat(f.title()).contains("of java(12) on 10.0.0.1:25 with 10.0.0.7:50000");
    assertThat(f.remediation()).contains("10.0.0.7:50000, 10.0.0.8:50001");
  }

  @Test
  void thresholdsAreNamedAfterTheDetectorWhichRunsRightAfterSynSent() {
    assertThat(detector.thresholds())
        .extracting(Threshold::name, Threshold::defaultValue)
        .containsExactly(
            tuple("first-data-lost.min-retransmits", 1.0),
            tuple("first-data-lost.critical-retransmits", 3.0));
    List<String> ids = Detectors.all().stream().map(Detector::id).toList();
    assertThat(ids.indexOf("first-data-lost")).isEqualTo(ids.indexOf("syn-sent") + 1);
    assertThat(Detectors.thresholds()).contains(FirstDataLostDetector.MIN_RETRANSMITS);
  }
}
