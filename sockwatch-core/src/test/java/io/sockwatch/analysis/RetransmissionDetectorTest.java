package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetransmissionDetectorTest {

  private static final ProcessInfo APP = new ProcessInfo(12, "app", "app");
  private static final ProcessInfo SRV = new ProcessInfo(30, "srv", "srv");

  private final RetransmissionDetector detector = new RetransmissionDetector();

  private static SocketRecord conn(
      String local, String remote, long cookie, long inode, long retrans, long dataSegs) {
    return Sock.established(local, remote)
        .cookie(cookie)
        .inode(inode)
        .set(TcpInfoField.TOTAL_RETRANS, retrans)
        .set(TcpInfoField.DATA_SEGS_OUT, dataSegs)
        .set(TcpInfoField.SEGS_OUT, dataSegs * 2)
        .build();
  }

  private static SocketRecord withBytes(SocketRecord s, long sent, long retransBytes) {
    var b =
        Sock.established(
                s.localAddress() + ":" + s.localPort(), s.remoteAddress() + ":" + s.remotePort())
            .cookie(s.cookie())
            .inode(s.inode())
            .set(TcpInfoField.TOTAL_RETRANS, s.tcpInfo().totalRetrans())
            .set(TcpInfoField.DATA_SEGS_OUT, s.tcpInfo().get(TcpInfoField.DATA_SEGS_OUT))
            .set(TcpInfoField.BYTES_SENT, sent)
            .set(TcpInfoField.BYTES_RETRANS, retransBytes);
    return b.build();
  }

  @Test
  void intervalDeltasPerDestinationAreJudgedByCookie() {
    // Two connections to one destination; lifetime numbers are large but the interval's are what
    // count: (30 - 10) + (15 - 5) = 30 retransmitted of (1500-500) + (600-100) = 1500 sent = 2%.
    var before =
        List.of(
            conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 10, 500),
            conn("10.0.0.1:40001", "10.0.0.7:443", 2, 101, 5, 100),
            conn("10.0.0.1:40002", "10.0.0.8:443", 3, 102, 900, 1000));
    var after =
        List.of(
            conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 30, 1500),
            conn("10.0.0.1:40001", "10.0.0.7:443", 2, 101, 15, 600),
            // Lossy long ago, clean now: not reported.
            conn("10.0.0.1:40002", "10.0.0.8:443", 3, 102, 900, 2000));
    var owners = Map.of(100L, APP, 101L, APP, 102L, APP);
    List<Finding> f =
        detector.detect(
            Inputs.twoSamples(
                Inputs.snapshot(before, owners),
                Inputs.snapshot(after, owners),
                2,
                DoctorConfig.DEFAULTS));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("retransmissions");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.key()).isEqualTo("10.0.0.7:443");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.7:443");
    assertThat(finding.subject().processes()).containsExactly("app(12)");
    assertThat(evidence(finding, "retransmitted_segments")).isEqualTo(30);
    assertThat(evidence(finding, "sent_segments")).isEqualTo(1500);
    assertThat(evidence(finding, "retransmitted_percent")).isEqualTo(2.0);
    assertThat(evidence(finding, "connections")).isEqualTo(2);
    assertThat(evidence(finding, "retransmitting_connections")).isEqualTo(2);
    assertThat(evidence(finding, "retransmissions_per_second")).isEqualTo(15);
    assertThat(finding.title()).contains("2.0%", "app(12)", "10.0.0.7:443", "last 2.0 s");
    assertThat(finding.remediation()).contains("10.0.0.7:443", "app(12)", "ip -s link");
  }

  @Test
  void aConnectionOpenedBetweenTheSamplesCountsFromZero() {
    var after = List.of(conn("10.0.0.1:40000", "10.0.0.7:443", 9, 100, 40, 200));
    List<Finding> f =
        detector.detect(
            Inputs.twoSamples(
                Inputs.snapshot(List.of(), Map.of()),
                Inputs.snapshot(after, Map.of(100L, APP)),
                2,
                DoctorConfig.DEFAULTS));
    assertThat(f).hasSize(1);
    assertThat(f.getFirst().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(f.getFirst(), "retransmitted_percent")).isEqualTo(20);
  }

  @Test
  void fewRetransmissionsOrASmallShareAreNotReported() {
    // 9 of 20: a large share but too few segments to judge.
    var few = conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 9, 20);
    // 19 of 1000: enough segments, below 2%.
    var small = conn("10.0.0.1:40001", "10.0.0.8:443", 2, 101, 19, 1000);
    var once =
        Inputs.once(
            Inputs.snapshot(List.of(few, small), Map.of(100L, APP, 101L, APP)),
            DoctorConfig.DEFAULTS);
    assertThat(detector.detect(once)).isEmpty();
    var lax = new DoctorConfig(Map.of("retransmissions.min-segments", 5.0), 3600, Map.of());
    assertThat(
            detector.detect(
                Inputs.once(Inputs.snapshot(List.of(few, small), Map.of(100L, APP)), lax)))
        .extracting(x -> x.subject().destination())
        .containsExactly("10.0.0.7:443");
  }

  @Test
  void oneSampleJudgesTheLifetimeByteShare() {
    var s = withBytes(conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 50, 1000), 1_000_000, 30_000);
    Finding f =
        detector
            .detect(
                Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, APP)), DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(evidence(f, "retransmitted_percent")).isEqualTo(3.0);
    assertThat(evidence(f, "retransmitted_bytes")).isEqualTo(30_000);
    assertThat(evidence(f, "sent_bytes")).isEqualTo(1_000_000);
    assertThat(hasEvidence(f, "retransmissions_per_second")).isFalse();
    assertThat(f.title()).contains("over their life");
  }

  @Test
  void clientsOfAListenerAreGroupedPerClientAddress() {
    var listener = Sock.listen("0.0.0.0:8080").inode(50).build();
    var c1 = conn("10.0.0.1:8080", "10.0.0.20:51000", 1, 200, 30, 100);
    var c2 = conn("10.0.0.1:8080", "10.0.0.20:51001", 2, 201, 30, 100);
    var c3 = conn("10.0.0.1:8080", "10.0.0.21:51002", 3, 202, 0, 100);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(listener, c1, c2, c3),
                    Map.of(50L, SRV, 200L, SRV, 201L, SRV, 202L, SRV)),
                DoctorConfig.DEFAULTS));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.20");
    assertThat(finding.subject().local()).isEqualTo("10.0.0.1:8080");
    assertThat(finding.key()).isEqualTo("10.0.0.20@10.0.0.1:8080");
    assertThat(evidence(finding, "retransmitted_segments")).isEqualTo(60);
    assertThat(evidence(finding, "connections")).isEqualTo(2);
  }

  @Test
  void withoutTcpInfoOrCookiesNothingIsJudgedAndNothingFails() {
    var proc = Sock.established("10.0.0.1:40000", "10.0.0.7:443").noInfo().inode(100).build();
    var snap = Inputs.snapshot(List.of(proc), Map.of(100L, APP));
    assertThat(detector.detect(Inputs.once(snap, DoctorConfig.DEFAULTS))).isEmpty();
    assertThat(detector.detect(Inputs.twoSamples(snap, snap, 2, DoctorConfig.DEFAULTS))).isEmpty();
    // A counter that went backwards (cookie reuse is impossible, but a bad sample must not
    // produce a negative share) is skipped.
    var b = conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 50, 1000);
    var a = conn("10.0.0.1:40000", "10.0.0.7:443", 1, 100, 40, 1200);
    assertThat(
            detector.detect(
                Inputs.twoSamples(
                    Inputs.snapshot(List.of(b), Map.of(100L, APP)),
                    Inputs.snapshot(List.of(a), Map.of(100L, APP)),
                    2,
                    DoctorConfig.DEFAULTS)))
        .isEmpty();
  }

  @Test
  void handshakesAndConnectionsWithoutDataAreNotDataLoss() {
    // SYN retransmissions count in total_retrans but are the syn-sent detector's subject.
    var synSent =
        Sock.of(io.sockwatch.model.TcpState.SYN_SENT, "10.0.0.1:40000", "10.0.0.7:443")
            .cookie(1)
            .inode(100)
            .set(TcpInfoField.TOTAL_RETRANS, 30)
            .build();
    // Established after 12 SYN retransmissions, no data sent yet.
    var noData = conn("10.0.0.1:40001", "10.0.0.7:443", 2, 101, 12, 0);
    var snap = Inputs.snapshot(List.of(synSent, noData), Map.of(100L, APP, 101L, APP));
    assertThat(detector.detect(Inputs.once(snap, DoctorConfig.DEFAULTS))).isEmpty();
    assertThat(
            detector.detect(
                Inputs.twoSamples(
                    Inputs.snapshot(List.of(), Map.of()), snap, 2, DoctorConfig.DEFAULTS)))
        .isEmpty();
  }
}
