package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A client streaming to a server in the test's namespace while nftables drops a random 10% of the
 * data packets to the server's port: the doctor's two samples see the client's retransmissions to
 * that destination, never more than {@code ss} counted around the run.
 */
@Tag("live")
class RetransmissionsLiveTest {

  private static final int PORT = 7601;
  private static final String DESTINATION = "127.0.0.1:" + PORT;

  @Test
  void lossyPathIsReportedPerDestinationWithTheSendingProcess() throws Exception {
    try (TestNetns ns = TestNetns.create("retr")) {
      // Ethernet-sized segments, so that loss is recovered by fast retransmit from a steady
      // stream of segments (as on a real path) rather than by backed-off timeouts that can stall
      // a 64 KB-segment loopback flow for longer than the doctor's interval.
      ns.exec("ip", "link", "set", "lo", "mtu", "1500");
      NetnsProbe.dropOnInput(
          ns,
          "tcp",
          "dport",
          Integer.toString(PORT),
          "meta",
          "length",
          "gt",
          "100",
          "numgen",
          "random",
          "mod",
          "10",
          "lt",
          "1");
      try (PeerProcess server = PeerProcess.start(ns, "serve", Integer.toString(PORT));
          PeerProcess client = PeerProcess.start(ns, "stream", Integer.toString(PORT))) {
        String clientEnd = "127.0.0.1:" + client.localPort();
        NetnsProbe.await(
            "the client retransmitted 10 segments", 20, () -> totalRetrans(ns, clientEnd) >= 10);
        long before = totalRetrans(ns, clientEnd);
        DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--interval", "2s");
        long after = totalRetrans(ns, clientEnd);

        List<JsonNode> f = d.findings("retransmissions");
        assertThat(f).as(d.out()).hasSize(1);
        JsonNode finding = f.getFirst();
        assertThat(finding.get("subject").get("destination").asString()).isEqualTo(DESTINATION);
        assertThat(finding.get("subject").get("processes").get(0).asString())
            .isEqualTo(client.comm());
        double retransmitted = DoctorJson.evidence(finding, "retransmitted_segments");
        assertThat(retransmitted).isBetween(10.0, (double) (after - before));
        double sent = DoctorJson.evidence(finding, "sent_segments");
        assertThat(sent).isGreaterThanOrEqualTo(retransmitted);
        assertThat(DoctorJson.evidence(finding, "retransmitted_percent"))
            .isCloseTo(100 * retransmitted / sent, org.assertj.core.data.Offset.offset(1e-9))
            .isBetween(2.0, 100.0);
        assertThat(DoctorJson.evidence(finding, "connections")).isEqualTo(1);
      }
    }
  }

  /** Lifetime retransmitted segments of the connection from {@code local}, per ss. */
  private static long totalRetrans(TestNetns ns, String local) throws IOException {
    for (NetnsProbe.Row r : NetnsProbe.ss(ns)) {
      if (r.state().equals("ESTAB") && r.local().equals(local)) {
        return r.totalRetrans();
      }
    }
    throw new AssertionError("no ESTAB socket from " + local);
  }
}
