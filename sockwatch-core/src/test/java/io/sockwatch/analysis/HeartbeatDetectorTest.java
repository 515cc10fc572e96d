package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeartbeatDetectorTest {

  private static final ProcessInfo CLIENT = new ProcessInfo(12, "client", "client");
  private static final ProcessInfo BROKER = new ProcessInfo(30, "broker", "broker");
  private static final DoctorConfig AMQP_10S = Inputs.heartbeats(Map.of(5672, 10.0));

  private final HeartbeatDetector detector = new HeartbeatDetector();

  private static SocketRecord conn(String local, String remote, long recv, long sent, long inode) {
    return Sock.established(local, remote).idle(recv, sent, 0).inode(inode).build();
  }

  @Test
  void outboundConnectionQuieterThanPromisedNamesProcessAndPeer() {
    var quiet = conn("10.0.0.1:40000", "10.0.0.9:5672", 95_000, 60_000, 100);
    List<Finding> f =
        detector.detect(
            Inputs.once(Inputs.snapshot(List.of(quiet), Map.of(100L, CLIENT)), AMQP_10S));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("heartbeat");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.subject().processes()).containsExactly("client(12)");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.9:5672");
    assertThat(finding.title()).contains("client(12)", "10.0.0.9:5672", "10 s heartbeat", "60 s");
    assertThat(evidence(finding, "quiet_connections")).isEqualTo(1);
    assertThat(evidence(finding, "heartbeat_interval_seconds")).isEqualTo(10);
    assertThat(evidence(finding, "longest_silence_seconds")).isEqualTo(60);
    assertThat(evidence(finding, "since_last_received_seconds")).isEqualTo(95);
    assertThat(evidence(finding, "since_last_sent_seconds")).isEqualTo(60);
    assertThat(finding.remediation()).contains("client(12)", "hearbeat", "10.0.0.9:5672");
  }

  @Test
  void eitherDirectionWithinTheToleranceIsEnough() {
    // Sends every 5 s but hears nothing: the client's heartbeat is working.
    var sending = conn("10.0.0.1:40000", "10.0.0.9:5672", 95_000, 5_000, 100);
    // Exactly at 2 x 10 s is not quieter than promised.
    var atLimit = conn("10.0.0.1:40001", "10.0.0.9:5672", 20_000, 20_000, 101);
    assertThat(
            detector.detect(
                Inputs.once(
                    Inputs.snapshot(List.of(sending, atLimit), Map.of(100L, CLIENT, 101L, CLIENT)),
                    AMQP_10S)))
        .isEmpty();
  }

  @Test
  void toleranceOverrideApplies() {
    var s = conn("10.0.0.1:40000", "10.0.0.9:5672", 25_000, 25_000, 100);
    var snap = Inputs.snapshot(List.of(s), Map.of(100L, CLIENT));
    assertThat(detector.detect(Inputs.once(snap, AMQP_10S))).hasSize(1);
    var lenient = new DoctorConfig(Map.of("heartbeat.tolerance", 3.0), 3600, Map.of(5672, 10.0));
    assertThat(detector.detect(Inputs.once(snap, lenient))).isEmpty();
  }

  @Test
  void serverSideIsGroupedPerListenerAndNamesTheQuietPeers() {
    var listener = Sock.listen("0.0.0.0:5672").inode(50).build();
    var quiet1 = conn("10.0.0.1:5672", "10.0.0.20:41000", 90_000, 90_000, 200);
    var quiet2 = conn("10.0.0.1:5672", "10.0.0.21:41001", 30_000, 45_000, 201);
    var fine = conn("10.0.0.1:5672", "10.0.0.22:41002", 3_000, 3_000, 202);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(listener, quiet1, quiet2, fine),
                    Map.of(50L, BROKER, 200L, BROKER, 201L, BROKER, 202L, BROKER)),
                AMQP_10S));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.subject().local()).isEqualTo("10.0.0.1:5672");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.20:41000, 10.0.0.21:41001");
    assertThat(evidence(finding, "quiet_connections")).isEqualTo(2);
    assertThat(evidence(finding, "longest_silence_seconds")).isEqualTo(90);
  }

  @Test
  void undeclaredPortsNoHeartbeatsAndMissingTcpInfoGiveNothing() {
    var other = conn("10.0.0.1:40000", "10.0.0.9:5432", 95_000, 95_000, 100);
    var noInfo = Sock.established("10.0.0.1:40001", "10.0.0.9:5672").noInfo().inode(101).build();
    var snap = Inputs.snapshot(List.of(other, noInfo), Map.of(100L, CLIENT, 101L, CLIENT));
    assertThat(detector.detect(Inputs.once(snap, AMQP_10S))).isEmpty();
    assertThat(detector.detect(Inputs.once(snap, DoctorConfig.DEFAULTS))).isEmpty();
  }

  @Test
  void declaredPortsOutOfRangeAreIgnoredNotAFailure() {
    var quiet = conn("10.0.0.1:40000", "10.0.0.9:5672", 95_000, 60_000, 100);
    var odd = Inputs.heartbeats(Map.of(70000, 10.0, -1, 10.0, 5672, 0.0));
    assertThat(
            detector.detect(
                Inputs.once(Inputs.snapshot(List.of(quiet), Map.of(100L, CLIENT)), odd)))
        .isEmpty();
  }
}
