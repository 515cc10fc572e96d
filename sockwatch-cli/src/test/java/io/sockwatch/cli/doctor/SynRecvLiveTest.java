package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A listener whose clients' final ACKs an nftables rule drops (SYNs pass), as asymmetric routing or
 * a half-broken firewall would: the server side sits in SYN_RECV retransmitting SYN-ACKs, and the
 * doctor names the listener, its process and the clients.
 */
@Tag("live")
class SynRecvLiveTest {

  private static final int PORT = 7401;
  private static final String LISTENER = "127.0.0.1:" + PORT;

  @Test
  void lostAcksAreReportedPerListenerWithTheListeningProcess() throws Exception {
    try (TestNetns ns = TestNetns.create("synrecv")) {
      // Packets to the port with ACK set and SYN clear: the handshake's last step and anything
      // after it.
      NetnsProbe.dropOnInput(
          ns, "tcp", "dport", Integer.toString(PORT), "tcp flags & (syn | ack) == ack");
      try (PeerProcess server = PeerProcess.start(ns, "serve", Integer.toString(PORT));
          PeerProcess client = PeerProcess.start(ns, "attempt", Integer.toString(PORT), "3")) {
        NetnsProbe.await(
            "three half-open connections retransmitted their SYN-ACK",
            20,
            () -> minRetransmits(ns) >= 1);
        int before = maxRetransmits(ns);
        DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--once");
        int after = maxRetransmits(ns);

        List<JsonNode> f = d.findings("syn-recv");
        assertThat(f).as(d.out()).hasSize(1);
        JsonNode finding = f.getFirst();
        assertThat(finding.get("subject").get("local").asString()).isEqualTo(LISTENER);
        assertThat(finding.get("subject").get("processes").get(0).asString())
            .isEqualTo(server.comm());
        assertThat(DoctorJson.evidence(finding, "half_open_connections")).isEqualTo(3);
        assertThat(DoctorJson.evidence(finding, "clients")).isEqualTo(3);
        assertThat(DoctorJson.evidence(finding, "max_synack_retransmits"))
            .isBetween((double) before, (double) after);
        // The clients are named: every half-open peer ss shows is in the subject.
        String peers = finding.get("subject").get("destination").asString();
        for (NetnsProbe.Row r : halfOpen(ns)) {
          assertThat(peers).contains(r.peer());
        }
        assertThat(finding.get("remediation").asString()).contains("asymmetric routing");
      }
    }
  }

  private static List<NetnsProbe.Row> halfOpen(TestNetns ns) throws IOException {
    return NetnsProbe.ss(ns).stream()
        .filter(r -> r.state().equals("SYN-RECV") && r.local().equals(LISTENER))
        .toList();
  }

  private static int minRetransmits(TestNetns ns) throws IOException {
    List<NetnsProbe.Row> rows = halfOpen(ns);
    return rows.size() < 3
        ? -1
        : rows.stream().mapToInt(NetnsProbe.Row::timerCount).min().orElse(-1);
  }

  private static int maxRetransmits(TestNetns ns) throws IOException {
    return halfOpen(ns).stream().mapToInt(NetnsProbe.Row::timerCount).max().orElse(-1);
  }
}
