package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A listener with backlog 4 that never calls accept(), and a client that keeps connecting (8 at
 * once, then one more every 100 ms): the accept queue fills to 5 (the kernel's test is queue &gt;
 * backlog) and every further SYN is dropped. The doctor, with its default two samples, names the
 * process and endpoint, the queue and backlog as {@code ss -ltn} shows them, and drops counted
 * during its interval that the namespace's TcpExt counters confirm; the client's dropped attempts
 * are blamed on that queue.
 */
@Tag("live")
class ListenQueueLiveTest {

  private static final int PORT = 7501;
  private static final String LISTENER = "127.0.0.1:" + PORT;

  @Test
  void fullAcceptQueueIsReportedWithProcessEndpointAndDrops() throws Exception {
    try (TestNetns ns = TestNetns.create("lq");
        PeerProcess server = PeerProcess.start(ns, "listen", Integer.toString(PORT), "4");
        PeerProcess client =
            PeerProcess.start(ns, "attempt", Integer.toString(PORT), "8", "every=100")) {
      NetnsProbe.await("the accept queue is full", 20, () -> listener(ns).recvQ() == 5);
      long overflowsBefore = NetnsProbe.tcpExt(ns, "ListenOverflows");
      DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--interval", "2s");
      long overflowsAfter = NetnsProbe.tcpExt(ns, "ListenOverflows");
      NetnsProbe.Row ss = listener(ns);

      assertThat(d.exitCode()).as(d.err()).isEqualTo(1);
      List<JsonNode> f = d.findings("listen-queue");
      assertThat(f).as(d.out()).hasSize(1);
      JsonNode finding = f.getFirst();
      assertThat(finding.get("severity").asString()).isEqualTo("CRITICAL");
      assertThat(finding.get("subject").get("local").asString()).isEqualTo(LISTENER);
      assertThat(finding.get("subject").get("processes").get(0).asString())
          .isEqualTo(server.comm());
      assertThat(DoctorJson.evidence(finding, "accept_queue_connections"))
          .isEqualTo(ss.recvQ())
          .isEqualTo(5);
      assertThat(DoctorJson.evidence(finding, "backlog_connections"))
          .isEqualTo(ss.sendQ())
          .isEqualTo(4);
      double overflows = DoctorJson.evidence(finding, "listen_overflows");
      double atListener = DoctorJson.evidence(finding, "drops_in_interval");
      // A new attempt every 100 ms is dropped: well over one per 2 s interval, and never more
      // than the namespace counted around the doctor's run.
      assertThat(overflows).isPositive().isLessThanOrEqualTo(overflowsAfter - overflowsBefore);
      assertThat(atListener).isPositive().isLessThanOrEqualTo(overflowsAfter - overflowsBefore);
      assertThat(finding.get("remediation").asString())
          .contains(server.comm(), LISTENER, "accept()", "somaxconn");

      // The client's attempts whose SYNs the full queue drops: syn-sent names the listener's
      // process and its full queue as the cause, and the SYN retransmissions are not taken for
      // data loss.
      List<JsonNode> synSent = d.findings("syn-sent");
      assertThat(synSent).hasSize(1);
      assertThat(synSent.getFirst().get("subject").get("processes").get(0).asString())
          .isEqualTo(client.comm());
      assertThat(synSent.getFirst().get("remediation").asString())
          .contains(server.comm(), "accept queue is full (5 of backlog 4)");
      assertThat(d.findings("retransmissions")).isEmpty();
    }
  }

  private static NetnsProbe.Row listener(TestNetns ns) throws IOException {
    return NetnsProbe.ss(ns).stream()
        .filter(r -> r.state().equals("LISTEN") && r.local().equals(LISTENER))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no listener on " + LISTENER));
  }
}
