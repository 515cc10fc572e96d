package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Connects to a port whose SYNs an nftables rule in the test's namespace silently drops (as a
 * firewall would): the attempts sit in SYN_SENT retransmitting, and the doctor names the
 * destination, the waiting process and how many attempts there are.
 */
@Tag("live")
class SynSentLiveTest {

  private static final int PORT = 7301;
  private static final String DESTINATION = "127.0.0.1:" + PORT;

  @Test
  void droppedSynsAreReportedPerDestinationWithTheWaitingProcess() throws Exception {
    try (TestNetns ns = TestNetns.create("synsent")) {
      NetnsProbe.dropOnInput(ns, "tcp", "dport", Integer.toString(PORT));
      try (PeerProcess client = PeerProcess.start(ns, "attempt", Integer.toString(PORT), "2")) {
        NetnsProbe.await(
            "both attempts retransmitted their SYN", 20, () -> minRetransmits(ns) >= 1);
        int before = maxRetransmits(ns);
        DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--once");
        int after = maxRetransmits(ns);

        assertThat(d.exitCode()).as(d.err()).isEqualTo(1);
        List<JsonNode> f = d.findings("syn-sent");
        assertThat(f).as(d.out()).hasSize(1);
        JsonNode finding = f.getFirst();
        assertThat(finding.get("subject").get("destination").asString()).isEqualTo(DESTINATION);
        assertThat(finding.get("subject").get("processes").get(0).asString())
            .isEqualTo(client.comm());
        assertThat(DoctorJson.evidence(finding, "unanswered_attempts")).isEqualTo(2);
        double most = DoctorJson.evidence(finding, "max_syn_retransmits");
        assertThat(most).isBetween((double) before, (double) after);
        assertThat(finding.get("severity").asString())
            .isEqualTo(most >= 3 ? "CRITICAL" : "WARNING");
        assertThat(finding.get("remediation").asString()).contains(DESTINATION, client.comm());
      }
    }
  }

  private static List<NetnsProbe.Row> attempts(TestNetns ns) throws IOException {
    return NetnsProbe.ss(ns).stream()
        .filter(r -> r.state().equals("SYN-SENT") && r.peer().equals(DESTINATION))
        .toList();
  }

  private static int minRetransmits(TestNetns ns) throws IOException {
    List<NetnsProbe.Row> rows = attempts(ns);
    return rows.size() < 2
        ? -1
        : rows.stream().mapToInt(NetnsProbe.Row::timerCount).min().orElse(-1);
  }

  private static int maxRetransmits(TestNetns ns) throws IOException {
    return attempts(ns).stream().mapToInt(NetnsProbe.Row::timerCount).max().orElse(-1);
  }
}
