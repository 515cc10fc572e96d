package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.EchoProcess;
import io.sockwatch.testkit.MiddleboxTopology;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A firewall that lets the handshake through and drops the data after it, as an asymmetric rule or
 * an MTU black hole does: in the {@link MiddleboxTopology} firewall, one server port loses every
 * client packet longer than 60 bytes. The SYN (60 bytes with its options) and the handshake's final
 * ACK (52 bytes with timestamps) pass, so connect() succeeds and the server accepts; the client's
 * 1000-byte request does not, and is retransmitted. The doctor, run in the client's namespace,
 * names that destination and the client's pid, and not a second client whose connection to another
 * port of the same server echoes normally.
 */
@Tag("live")
class FirstDataLostLiveTest {

  private static final int DROPPED_PORT = 7401;
  private static final int OPEN_PORT = 7402;

  /** Far longer than 60 bytes once in a segment, and a full-size request as real clients send. */
  private static final String REQUEST = "x".repeat(1000);

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern PID = Pattern.compile("pid=(\\d+)");

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void dataDroppedAfterTheHandshakeIsReportedAndAFlowingConnectionIsNot() throws Exception {
    MiddleboxTopology t = closer.keep(MiddleboxTopology.create("fdl", 600));
    // The handshake passes the firewall, the first data does not.
    t.dropDataTo(DROPPED_PORT);
    String server = t.serverAddress();
    closer.keep(EchoProcess.server(t.server(), server, DROPPED_PORT));
    closer.keep(EchoProcess.server(t.server(), server, OPEN_PORT));

    EchoProcess flowing = closer.keep(EchoProcess.client(t.client(), server, OPEN_PORT, null));
    flowing.send(REQUEST);
    assertThat(flowing.awaitLine("ECHO", WAIT)).contains("ECHO " + REQUEST);

    EchoProcess stuck = closer.keep(EchoProcess.client(t.client(), server, DROPPED_PORT, null));
    String stuckEnd = t.clientAddress() + ":" + stuck.localPort();
    String destination = server + ":" + DROPPED_PORT;
    // The handshake's last ACK crossed the firewall too: the server holds an ESTAB socket.
    NetnsProbe.await(
        "the server accepted " + stuckEnd,
        WAIT.toSeconds(),
        () ->
            NetnsProbe.ss(t.server()).stream()
                .anyMatch(r -> r.state().equals("ESTAB") && r.peer().equals(stuckEnd)));
    stuck.send(REQUEST);
    NetnsProbe.await(
        "the request from " + stuckEnd + " was retransmitted",
        WAIT.toSeconds(),
        () -> row(t.client(), stuckEnd).timerCount() >= 1);

    NetnsProbe.Row before = row(t.client(), stuckEnd);
    DoctorProcess d = DoctorProcess.run(t.client(), "doctor", "-o", "json", "--once");
    NetnsProbe.Row after = row(t.client(), stuckEnd);

    // Ground truth from ss: only the SYN acknowledged, the whole request still queued.
    assertThat(after.value("bytes_acked")).as(after.info()).isEqualTo(1);
    assertThat(after.sendQ()).as(after.info()).isEqualTo(REQUEST.length() + 1);
    assertThat(stuck.awaitLine("ECHO", Duration.ofMillis(100))).isEmpty();

    assertThat(d.exitCode()).as(d.err()).isEqualTo(1);
    List<JsonNode> f = d.findings("first-data-lost");
    assertThat(f).as(d.out()).hasSize(1);
    JsonNode finding = f.getFirst();
    String client = "java(" + ownerPid(t.client(), stuckEnd) + ")";
    assertThat(finding.get("subject").get("destination").asString()).isEqualTo(destination);
    assertThat(finding.get("subject").get("processes").get(0).asString()).isEqualTo(client);
    assertThat(DoctorJson.evidence(finding, "stalled_connections")).isEqualTo(1);
    assertThat(DoctorJson.evidence(finding, "unacked_bytes")).isEqualTo(REQUEST.length() + 1);
    double most = DoctorJson.evidence(finding, "max_first_data_retransmits");
    assertThat(most).isBetween((double) before.timerCount(), (double) after.timerCount());
    assertThat(finding.get("severity").asString()).isEqualTo(most >= 3 ? "CRITICAL" : "WARNING");
    assertThat(finding.get("remediation").asString()).contains(destination, client, "MTU");
    assertThat(finding.get("docs").asString()).isEqualTo("docs/detectors/first-data-lost.md");

    // The flowing connection's request was acknowledged and answered: not this finding.
    String flowingEnd = t.clientAddress() + ":" + flowing.localPort();
    assertThat(row(t.client(), flowingEnd).value("bytes_acked")).isGreaterThan(1);
    assertThat(f.toString()).doesNotContain(server + ":" + OPEN_PORT, flowingEnd);
  }

  /** The client namespace's ESTAB socket from {@code local}. */
  private static NetnsProbe.Row row(TestNetns ns, String local) throws IOException {
    return NetnsProbe.ss(ns).stream()
        .filter(r -> r.state().equals("ESTAB") && r.local().equals(local))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ESTAB socket from " + local));
  }

  /** The pid holding the socket from {@code local}, per {@code ss -p}. */
  private static long ownerPid(TestNetns ns, String local) throws IOException {
    for (String line : ns.exec("ss", "-tnpH", "state", "established").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 4 && f[2].equals(local)) {
        Matcher m = PID.matcher(line);
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
    }
    throw new AssertionError("no owner for " + local + " in ss -p");
  }
}
