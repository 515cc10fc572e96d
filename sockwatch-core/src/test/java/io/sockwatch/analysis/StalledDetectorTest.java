package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StalledDetectorTest {

  private static final ProcessInfo APP = new ProcessInfo(12, "python3", "python3 worker.py");
  private static final DoctorConfig TWENTY_SECONDS = Inputs.config(20, Map.of());

  private final StalledDetector stalled = new StalledDetector();
  private final PeerStuckDetector stuck = new PeerStuckDetector();

  /**
   * The recreation: idle 30 s, then a 13-byte write that went unanswered for 62 s: one
   * unacked segment, backoff 7, RTO 26.1 s, last ACK and last data 62 s + 30 s ago.
   */
  private static SocketRecord deadAfterIdle() {
    return Sock.established("10.231.1.2:40000", "10.231.2.2:5672")
        .inode(100)
        .queues(0, 13)
        .timer(SocketTimer.RETRANSMIT, 7, 20_000)
        .idle(92_000, 92_000, 92_000)
        .set(TcpInfoField.UNACKED, 1)
        .set(TcpInfoField.BACKOFF, 7)
        .set(TcpInfoField.RETRANSMITS, 7)
        .set(TcpInfoField.RTO, 26_112_000)
        .set(TcpInfoField.SND_WND, 65_535)
        .set(TcpInfoField.BYTES_ACKED, 4_096)
        .build();
  }

  private List<Finding> judge(StalledDetector d, List<SocketRecord> sockets) {
    return d.detect(Inputs.once(Inputs.snapshot(sockets, Map.of(100L, APP)), TWENTY_SECONDS));
  }

  @Test
  void aConnectionIdleThenDeadOnItsNextWriteIsCriticalAndBlamesTheMiddlebox() {
    List<Finding> f = judge(stalled, List.of(deadAfterIdle()));

    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("stalled");
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.subject().processes()).containsExactly("python3(12)");
    assertThat(finding.subject().destination()).isEqualTo("10.231.2.2:5672");
    assertThat(finding.title()).contains("python3(12)", "10.231.2.2:5672", "a middlebox");
    assertThat(evidence(finding, "backoff")).isEqualTo(7);
    assertThat(evidence(finding, "unacked_segments")).isEqualTo(1);
    assertThat(evidence(finding, "send_queue_bytes")).isEqualTo(13);
    assertThat(evidence(finding, "since_last_ack_seconds")).isEqualTo(92);
    // RTO 26.1 s after 7 backoffs: base 204 ms, waits 0.2+0.4+...+13.1 s = 25.9 s done, and 6.1 s
    // into the current wait (its timer has 20 s of 26.1 left): 32.0 s of retransmitting
    assertThat(evidence(finding, "retransmitting_seconds")).isCloseTo(32.0, within(0.1));
    assertThat(evidence(finding, "idle_before_seconds")).isCloseTo(60.0, within(0.2));
    assertThat(evidence(finding, "middlebox_idle_timeout_seconds")).isEqualTo(20);
    assertThat(finding.remediation()).contains("TCP_KEEPIDLE under 20 s", "TCP_USER_TIMEOUT");
  }

  @Test
  void whenTheKernelGivesUpFollowsItsOwnModelOfTcpRetries2() {
    // 15: 1023 x 200 ms doubling to the 120 s cap, then 6 x 120 s: 924.6 s (about 15 min)
    assertThat(StalledDetector.givesUpAfterMillis(15)).isEqualTo(924_600);
    assertThat(StalledDetector.givesUpAfterMillis(8)).isEqualTo(102_200);
    assertThat(StalledDetector.givesUpAfterMillis(3)).isEqualTo(3_000);
  }

  @Test
  void aStallMidTransferIsNotBlamedOnAMiddlebox() {
    SocketRecord s =
        Sock.established("10.0.0.1:40000", "10.0.0.7:443")
            .inode(100)
            .queues(0, 200_000)
            .idle(3_500, 3_500, 3_500)
            .set(TcpInfoField.UNACKED, 10)
            .set(TcpInfoField.BACKOFF, 4)
            .set(TcpInfoField.RTO, 3_264_000)
            .set(TcpInfoField.SND_WND, 65_535)
            .set(TcpInfoField.BYTES_ACKED, 10_000_000)
            .build();

    Finding f = judge(stalled, List.of(s)).getFirst();
    assertThat(f.title()).contains("mid-transfer").doesNotContain("middlebox");
    assertThat(hasEvidence(f, "idle_before_seconds")).isFalse();
  }

  @Test
  void ordinaryLossAHealthyIdleConnectionAndAZeroWindowAreNotStalled() {
    SocketRecord lossy =
        Sock.established("10.0.0.1:40001", "10.0.0.7:443")
            .inode(100)
            .idle(100, 100, 150)
            .set(TcpInfoField.UNACKED, 40)
            .set(TcpInfoField.BACKOFF, 1)
            .set(TcpInfoField.RTO, 408_000)
            .build();
    SocketRecord idle =
        Sock.established("10.0.0.1:40002", "10.0.0.7:5432")
            .inode(100)
            .idle(600_000, 600_000, 600_000)
            .set(TcpInfoField.UNACKED, 0)
            .set(TcpInfoField.BACKOFF, 0)
            .build();
    SocketRecord zeroWindow =
        Sock.established("10.0.0.1:40003", "10.0.0.8:9000")
            .inode(100)
            .queues(0, 4_000_000)
            .timer(SocketTimer.ZERO_WINDOW_PROBE, 6, 3_000)
            .idle(60_000, 100, 100)
            .set(TcpInfoField.UNACKED, 0)
            .set(TcpInfoField.BACKOFF, 6)
            .set(TcpInfoField.SND_WND, 0)
            .build();

    SocketRecord firstDataLost =
        Sock.established("10.0.0.1:40005", "10.0.0.9:443")
            .inode(100)
            .queues(0, 517)
            .idle(9_000, 9_000, 9_000)
            .set(TcpInfoField.UNACKED, 1)
            .set(TcpInfoField.BACKOFF, 5)
            .set(TcpInfoField.RTO, 6_528_000)
            .set(TcpInfoField.SND_WND, 65_535)
            .set(TcpInfoField.BYTES_ACKED, 1)
            .build();

    // The last is first-data-lost's: nothing past the SYN was ever acknowledged.
    assertThat(judge(stalled, List.of(lossy, idle, zeroWindow, firstDataLost))).isEmpty();
  }

  @Test
  void aPeerThatStoppedReadingIsStuckNotDead() {
    // As a live peer's stall reads: the peer answers every probe, which resets the timer's count
    // (icsk_probes_out) to 0; the probes sent show in tcp_info's backoff.
    SocketRecord zeroWindow =
        Sock.established("10.0.0.1:40003", "10.0.0.8:9000")
            .inode(100)
            .queues(0, 4_000_000)
            .timer(SocketTimer.ZERO_WINDOW_PROBE, 0, 3_000)
            .idle(60_000, 100, 100)
            .set(TcpInfoField.SND_WND, 0)
            .set(TcpInfoField.UNACKED, 0)
            .set(TcpInfoField.BACKOFF, 6)
            .build();
    SocketRecord slowReader =
        Sock.established("10.0.0.1:40004", "10.0.0.8:9001")
            .inode(100)
            .queues(0, 1_000)
            .timer(SocketTimer.ZERO_WINDOW_PROBE, 0, 200)
            .set(TcpInfoField.BACKOFF, 1)
            .build();

    List<Finding> f =
        stuck.detect(
            Inputs.once(
                Inputs.snapshot(List.of(zeroWindow, slowReader), Map.of(100L, APP)),
                TWENTY_SECONDS));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("peer-stuck");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.8:9000");
    assertThat(finding.title()).contains("stopped reading", "not dead");
    assertThat(evidence(finding, "send_queue_bytes")).isEqualTo(4_000_000);
    assertThat(evidence(finding, "zero_window_probes")).isEqualTo(6);
    assertThat(evidence(finding, "stuck_connections")).isEqualTo(1);
  }
}
