package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SynRecvDetectorTest {

  private static final ProcessInfo NGINX = new ProcessInfo(80, "nginx", "nginx");
  private static final ProcessInfo OTHER = new ProcessInfo(90, "other", "other");

  private final SynRecvDetector detector = new SynRecvDetector();

  private static SocketRecord request(String local, String remote, int retransmits) {
    return Sock.of(TcpState.NEW_SYN_RECV, local, remote)
        .timer(SocketTimer.RETRANSMIT, retransmits, 2000)
        .noInfo()
        .build();
  }

  @Test
  void halfOpenConnectionsAreGroupedPerListenerWithTheListeningProcess() {
    var listener = Sock.listen("0.0.0.0:443").queues(0, 511).inode(50).build();
    var other = Sock.listen("10.0.0.1:8080").queues(0, 128).inode(51).build();
    var r1 = request("10.0.0.1:443", "10.0.0.20:51000", 1);
    var r2 = request("10.0.0.1:443", "10.0.0.21:51001", 2);
    var r3 = request("10.0.0.1:8080", "10.0.0.21:51002", 0);
    List<Finding> f =
        detector.detect(
            Inputs.once(
                Inputs.snapshot(
                    List.of(listener, other, r1, r2, r3), Map.of(50L, NGINX, 51L, OTHER)),
                DoctorConfig.DEFAULTS));
    assertThat(f).hasSize(1);
    Finding finding = f.getFirst();
    assertThat(finding.detector()).isEqualTo("syn-recv");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.subject().local()).isEqualTo("0.0.0.0:443");
    assertThat(finding.subject().processes()).containsExactly("nginx(80)");
    assertThat(finding.subject().destination()).isEqualTo("10.0.0.20:51000, 10.0.0.21:51001");
    assertThat(evidence(finding, "half_open_connections")).isEqualTo(2);
    assertThat(evidence(finding, "max_synack_retransmits")).isEqualTo(2);
    assertThat(evidence(finding, "accept_queue_connections")).isZero();
    assertThat(evidence(finding, "backlog_connections")).isEqualTo(511);
    assertThat(finding.title()).contains("the clients' ACKs do not arrive");
    assertThat(finding.remediation()).contains("asymmetric routing", "10.0.0.20:51000");
  }

  @Test
  void anExactAddressListenerWinsOverTheWildcard() {
    var wildcard = Sock.listen("0.0.0.0:443").queues(0, 511).inode(50).build();
    var exact = Sock.listen("10.0.0.1:443").queues(0, 100).inode(51).build();
    var r = request("10.0.0.1:443", "10.0.0.20:51000", 3);
    Finding f =
        detector
            .detect(
                Inputs.once(
                    Inputs.snapshot(List.of(wildcard, exact, r), Map.of(50L, NGINX, 51L, OTHER)),
                    DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(f.subject().local()).isEqualTo("10.0.0.1:443");
    assertThat(f.subject().processes()).containsExactly("other(90)");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void aFullAcceptQueueIsNamedAsTheCause() {
    var listener = Sock.listen("127.0.0.1:7000").queues(5, 4).inode(50).build();
    var r = request("127.0.0.1:7000", "127.0.0.1:51000", 1);
    Finding f =
        detector
            .detect(
                Inputs.once(
                    Inputs.snapshot(List.of(listener, r), Map.of(50L, NGINX)),
                    DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(f.title()).contains("the full accept queue drops the clients' ACKs");
    assertThat(f.remediation()).contains("accept queue of 127.0.0.1:7000 is full", "accept()");
  }

  @Test
  void withoutAListenerTheRequestIsStillReportedAndTheProcSourceLacksTheBacklog() {
    // SYN_RECV of a full socket (TCP Fast Open), listener gone.
    var s =
        Sock.of(TcpState.SYN_RECV, "10.0.0.1:443", "10.0.0.20:51000")
            .timer(SocketTimer.RETRANSMIT, 1, 1000)
            .build();
    Finding f =
        detector
            .detect(Inputs.once(Inputs.snapshot(List.of(s), Map.of()), DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(f.subject().local()).isEqualTo("10.0.0.1:443");
    assertThat(f.subject().processes()).isEmpty();
    assertThat(hasEvidence(f, "backlog_connections")).isFalse();

    var procListener = Sock.listen("0.0.0.0:443").queues(0, SocketRecord.ABSENT).inode(50).build();
    Finding g =
        detector
            .detect(
                Inputs.once(
                    Inputs.snapshot(
                        List.of(procListener, request("10.0.0.1:443", "10.0.0.20:1", 1)),
                        Map.of(50L, NGINX)),
                    DoctorConfig.DEFAULTS))
            .getFirst();
    assertThat(hasEvidence(g, "backlog_connections")).isFalse();
    assertThat(g.subject().processes()).containsExactly("nginx(80)");
  }
}
