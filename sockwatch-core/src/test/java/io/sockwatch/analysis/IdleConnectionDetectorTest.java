package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.MiddleboxTimeouts;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class IdleConnectionDetectorTest {

  private static final ProcessInfo APP = new ProcessInfo(12, "app", "app");
  private static final ProcessInfo OTHER = new ProcessInfo(40, "other", "other");
  private static final ProcessInfo SERVER = new ProcessInfo(77, "server", "server");
  private static final DoctorConfig HOUR = Inputs.config(3600, Map.of());

  private final IdleConnectionDetector detector = new IdleConnectionDetector();

  private static SocketRecord idle(String local, String remote, long idleMillis, long inode) {
    return Sock.established(local, remote)
        .idle(idleMillis, idleMillis + 5, idleMillis + 1)
        .inode(inode)
        .build();
  }

  @Test
  void idleWithoutKeepaliveIsAWarningNamingProcessDestinationAndNodeKeepaliveTime() {
    var s = idle("10.0.0.1:40000", "10.0.0.7:5432", 1_500_000, 100);
    List<Finding> f =
        detector.detect(Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, APP)), HOUR));

    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.detector()).isEqualTo("idle-connections");
    assertThat(finding.key()).isEqualTo("app(12)->10.0.0.7:5432");
    assertThat(finding.subject().processes()).containsExactly("app(12)");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.7:5432");
    assertThat(finding.title()).contains("app(12)", "10.0.0.7:5432", "25 min", "without keepalive");
    assertThat(evidence(finding, "idle_connections")).isEqualTo(1);
    assertThat(evidence(finding, "longest_idle_seconds")).isEqualTo(1500);
    assertThat(evidence(finding, "no_keepalive_connections")).isEqualTo(1);
    assertThat(evidence(finding, "tcp_keepalive_time_seconds")).isEqualTo(7200);
    assertThat(evidence(finding, "assumed_middlebox_timeout_seconds")).isEqualTo(3600);
    assertThat(finding.headroom()).isPresent();
    assertThat(finding.headroom().get().secondsToLimit().getAsDouble()).isEqualTo(2100);
    assertThat(finding.remediation())
        .contains(
            "app(12)",
            "10.0.0.7:5432",
            "TCP_KEEPIDLE=1800",
            "tcp_keepalive_time (now 7200 s)",
            "tcp_keepalive_time (7200 s, the kernel's default) is longer than the 3600 s",
            "heartbeat");
  }

  @Test
  void idleLongerThanTheMiddleboxTimeoutIsCritical() {
    var s = idle("10.0.0.1:40000", "10.0.0.7:5432", 3_700_000, 100);
    Finding f =
        detector
            .detect(Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, APP)), HOUR))
            .getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).contains("likely dead already");
    assertThat(f.headroom().get().secondsToLimit().getAsDouble()).isZero();
  }

  @Test
  void keepaliveInTimeIsFineAndKeepaliveTooLateIsReported() {
    // Idle 1000 s; keepalive fires in 2000 s: silent 3000 s < 3600 s.
    var inTime =
        Sock.established("10.0.0.1:40000", "10.0.0.7:5432")
            .idle(1_000_000, 1_000_000, 1_000_000)
            .timer(SocketTimer.KEEPALIVE, 0, 2_000_000)
            .inode(100)
            .build();
    // Idle 1000 s; default 7200 s keepalive fires in 6200 s: silent 7200 s > 3600 s.
    var late =
        Sock.established("10.0.0.1:40001", "10.0.0.8:5432")
            .idle(1_000_000, 1_000_000, 1_000_000)
            .timer(SocketTimer.KEEPALIVE, 0, 6_200_000)
            .inode(101)
            .build();
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(List.of(inTime, late), Map.of(100L, APP, 101L, APP)), HOUR));

    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.8:5432");
    assertThat(evidence(finding, "late_keepalive_connections")).isEqualTo(1);
    assertThat(evidence(finding, "no_keepalive_connections")).isZero();
    assertThat(evidence(finding, "silent_until_first_probe_seconds")).isEqualTo(7200);
    assertThat(finding.title()).contains("keepalive probes due only after 2.0 h");
  }

  @Test
  void minIdleIsNeverMoreThanHalfTheMiddleboxTimeout() {
    // Middlebox 100 s: the 300 s default is capped to 50 s.
    var config = Inputs.config(100, Map.of());
    var at60 = idle("10.0.0.1:40000", "10.0.0.7:80", 60_000, 100);
    var at40 = idle("10.0.0.1:40001", "10.0.0.9:80", 40_000, 101);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(List.of(at60, at40), Map.of(100L, APP, 101L, APP)), config));
    assertThat(f).extracting(x -> x.subject().destination()).containsExactly("10.0.0.7:80");
  }

  @Test
  void minIdleOverrideApplies() {
    var config = Inputs.config(3600, Map.of("idle-connections.min-idle", 1000.0));
    var at900 = idle("10.0.0.1:40000", "10.0.0.7:80", 900_000, 100);
    var at1100 = idle("10.0.0.1:40001", "10.0.0.9:80", 1_100_000, 101);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(List.of(at900, at1100), Map.of(100L, APP, 101L, APP)), config));
    assertThat(f).extracting(x -> x.subject().destination()).containsExactly("10.0.0.9:80");
  }

  @Test
  void groupsPerProcessAndDestinationWithCountAndLongestIdle() {
    var a1 = idle("10.0.0.1:40000", "10.0.0.7:5432", 400_000, 100);
    var a2 = idle("10.0.0.1:40001", "10.0.0.7:5432", 900_000, 101);
    var a3 = idle("10.0.0.1:40002", "10.0.0.7:5432", 500_000, 102);
    var b1 = idle("10.0.0.1:40003", "10.0.0.7:5432", 600_000, 103);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(a1, a2, a3, b1), Map.of(100L, APP, 101L, APP, 102L, APP, 103L, OTHER)),
                HOUR));
    assertThat(f).hasSize(2);
    Finding app = f.stream().filter(x -> x.key().startsWith("app(12)")).findFirst().orElseThrow();
    Finding other =
        f.stream().filter(x -> x.key().startsWith("other(40)")).findFirst().orElseThrow();
    assertThat(evidence(app, "idle_connections")).isEqualTo(3);
    assertThat(evidence(app, "longest_idle_seconds")).isEqualTo(900);
    assertThat(app.title()).startsWith("3 connections from app(12) to 10.0.0.7:5432");
    assertThat(evidence(other, "idle_connections")).isEqualTo(1);
  }

  @Test
  void inboundConnectionsAreGroupedByTheListenerWithTheirPeers() {
    var listener = Sock.listen("0.0.0.0:8080").inode(50).build();
    var c1 = idle("10.0.0.1:8080", "10.0.0.20:51000", 400_000, 200);
    var c2 = idle("10.0.0.1:8080", "10.0.0.21:51001", 700_000, 201);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(listener, c1, c2), Map.of(50L, SERVER, 200L, SERVER, 201L, SERVER)),
                HOUR));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.subject().local()).isEqualTo("10.0.0.1:8080");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.20:51000, 10.0.0.21:51001");
    assertThat(finding.subject().processes()).containsExactly("server(77)");
    assertThat(evidence(finding, "idle_connections")).isEqualTo(2);
    assertThat(finding.remediation()).contains("accepted on 10.0.0.1:8080");
  }

  @Test
  void aConnectionKeptAliveByItsOtherEndInTheTableIsNotReported() {
    var client =
        Sock.established("127.0.0.1:40000", "127.0.0.1:7000")
            .idle(20_000, 20_000, 900)
            .timer(SocketTimer.KEEPALIVE, 0, 1000)
            .inode(100)
            .build();
    // The server end sees no data and no ACK for 20 s (probes arrive below its window) and has
    // no keepalive of its own.
    var server = idle("127.0.0.1:7000", "127.0.0.1:40000", 20_000, 200);
    var listener = Sock.listen("127.0.0.1:7000").inode(50).build();
    var config = Inputs.config(4, Map.of("idle-connections.min-idle", 1.0));
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(listener, client, server),
                    Map.of(50L, SERVER, 100L, APP, 200L, SERVER)),
                config));
    assertThat(f).isEmpty();
  }

  @Test
  void aDualStackServerEndIsMatchedToItsIpv4Client() {
    var client =
        Sock.established("127.0.0.1:40000", "127.0.0.1:7000")
            .idle(20_000, 20_000, 900)
            .timer(SocketTimer.KEEPALIVE, 0, 1000)
            .inode(100)
            .build();
    var server = idle("[::ffff:127.0.0.1]:7000", "[::ffff:127.0.0.1]:40000", 20_000, 200);
    var config = Inputs.config(4, Map.of("idle-connections.min-idle", 1.0));
    assertThat(
            detector.detect(
                Inputs.once(
                    Inputs.snapshot(List.of(client, server), Map.of(100L, APP, 200L, SERVER)),
                    config)))
        .isEmpty();
  }

  @Test
  void aRecentAckCountsAsTraffic() {
    // Keepalive probes carry no data, but their ACKs show the path is alive.
    var s =
        Sock.established("10.0.0.1:40000", "10.0.0.7:5432")
            .idle(5_000_000, 5_000_000, 30_000)
            .inode(100)
            .build();
    assertThat(detector.detect(Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, APP)), HOUR)))
        .isEmpty();
  }

  @Test
  void withoutTcpInfoNothingIsJudgedAndNothingFails() {
    var proc = Sock.established("10.0.0.1:40000", "10.0.0.7:5432").noInfo().inode(100).build();
    // An old kernel's tcp_info that ends before last_data_sent.
    var shortInfo =
        Sock.established("10.0.0.1:40001", "10.0.0.7:5432")
            .idle(5_000_000, 5_000_000, 5_000_000)
            .infoLength(40)
            .inode(101)
            .build();
    assertThat(
            detector.detect(
                Inputs.once(
                    Inputs.snapshot(List.of(proc, shortInfo), Map.of(100L, APP, 101L, APP)), HOUR)))
        .isEmpty();
  }

  @Test
  void withoutLastAckRecvTheDataTimesDecide() {
    // 56 bytes: last_data_recv ends at 56, last_ack_recv (56..60) is absent.
    var s =
        Sock.established("10.0.0.1:40000", "10.0.0.7:5432")
            .idle(2_000_000, 1_900_000, 0)
            .infoLength(56)
            .inode(100)
            .build();
    Finding f =
        detector
            .detect(Inputs.once(Inputs.snapshot(List.of(s), Map.of(100L, APP)), HOUR))
            .getFirst();
    assertThat(evidence(f, "longest_idle_seconds")).isEqualTo(1900);
  }

  @Test
  void otherStatesAndUnownedSocketsAreHandled() {
    var closeWait =
        Sock.of(io.sockwatch.model.TcpState.CLOSE_WAIT, "10.0.0.1:40000", "10.0.0.7:5432")
            .idle(5_000_000, 5_000_000, 5_000_000)
            .build();
    var orphan = idle("10.0.0.1:40001", "10.0.0.8:5432", 500_000, 0);
    List<Finding> f =
        detector.detect(Inputs.once(Inputs.snapshot(List.of(closeWait, orphan), Map.of()), HOUR));
    assertThat(f).hasSize(1);
    assertThat(f.getFirst().subject().processes()).isEmpty();
    assertThat(f.getFirst().title()).contains("from an unknown process to 10.0.0.8:5432");
  }

  @Test
  void aChangedKeepaliveTimeIsQuotedFromTheNode() {
    var s = idle("10.0.0.1:40000", "10.0.0.7:5432", 1_500_000, 100);
    var snap =
        Inputs.snapshot(
            List.of(s), Map.of(100L, APP), Inputs.node(OptionalLong.of(5400), Map.of()));
    Finding f = detector.detect(Inputs.once(snap, HOUR)).getFirst();
    assertThat(evidence(f, "tcp_keepalive_time_seconds")).isEqualTo(5400);
    assertThat(f.remediation())
        .contains("(now 5400 s)", "(5400 s here; the kernel's default is 7200 s)");
    // Below the middlebox timeout the node's keepalive is fine once SO_KEEPALIVE is on.
    var shortKeepalive =
        Inputs.snapshot(List.of(s), Map.of(100L, APP), Inputs.node(OptionalLong.of(600), Map.of()));
    assertThat(detector.detect(Inputs.once(shortKeepalive, HOUR)).getFirst().remediation())
        .doesNotContain("is longer than");
  }

  @Test
  void absentKeepaliveSysctlIsLeftOutRatherThanShownAsZero() {
    var s = idle("10.0.0.1:40000", "10.0.0.7:5432", 1_500_000, 100);
    var snap =
        Inputs.snapshot(List.of(s), Map.of(100L, APP), Inputs.node(OptionalLong.empty(), Map.of()));
    Finding f = detector.detect(Inputs.once(snap, HOUR)).getFirst();
    assertThat(hasEvidence(f, "tcp_keepalive_time_seconds")).isFalse();
    assertThat(f.remediation()).doesNotContain("now");
  }

  @Test
  void aMeasuredTimeoutReplacesTheAssumedOneForItsPeerOnly() {
    // probe-idle found 18.75 s survive and 20 s kill on the path to 10.0.0.7.
    DoctorConfig measured =
        HOUR.withMeasured(
            new MiddleboxTimeouts(
                List.of(
                    new MeasuredTimeout(
                        io.sockwatch.model.IpAddress.parse("10.0.0.7"), 7007, 18.75, 20, 1))));
    var measuredPeer = idle("10.0.0.1:40000", "10.0.0.7:5432", 12_000, 100);
    var otherPeer = idle("10.0.0.1:40001", "10.0.0.8:5432", 12_000, 101);
    var keptAlive =
        Sock.established("10.0.0.1:40002", "10.0.0.7:5433")
            .idle(12_000, 12_000, 12_000)
            .timer(SocketTimer.KEEPALIVE, 0, 3_000)
            .inode(102)
            .build();
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(measuredPeer, otherPeer, keptAlive),
                    Map.of(100L, APP, 101L, APP, 102L, APP)),
                measured));
    assertThat(f).singleElement();
    Finding finding = f.getFirst();
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.7:5432");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.title()).contains("after 19 s (measured)");
    assertThat(evidence(finding, "middlebox_survived_seconds")).isEqualTo(18.75);
    assertThat(evidence(finding, "middlebox_died_seconds")).isEqualTo(20);
    assertThat(hasEvidence(finding, "assumed_middlebox_timeout_seconds")).isFalse();
    assertThat(finding.remediation()).contains("TCP_KEEPIDLE=9");

    // Past the upper end of the measurement it is certainly dead; between the ends it may be.
    var between = idle("10.0.0.1:40000", "10.0.0.7:5432", 19_000, 100);
    assertThat(
            detector
                .detect(Inputs.once(Inputs.snapshot(List.of(between), Map.of(100L, APP)), measured))
                .getFirst()
                .severity())
        .isEqualTo(Severity.WARNING);
    var past = idle("10.0.0.1:40000", "10.0.0.7:5432", 21_000, 100);
    assertThat(
            detector
                .detect(Inputs.once(Inputs.snapshot(List.of(past), Map.of(100L, APP)), measured))
                .getFirst()
                .severity())
        .isEqualTo(Severity.CRITICAL);
  }
}
