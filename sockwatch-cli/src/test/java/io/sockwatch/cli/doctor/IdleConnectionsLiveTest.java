package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two real idle loopback connections in a namespace of the test's own, one plain and one with
 * SO_KEEPALIVE (TCP_KEEPIDLE 1 s), against an assumed 4 s middlebox timeout: only the plain one is
 * at risk, on both of its ends, and the evidence carries the namespace's own tcp_keepalive_time.
 */
@Tag("live")
class IdleConnectionsLiveTest {

  private static final int PORT = 7101;

  @Test
  void plainIdleConnectionIsReportedAndTheKeptAliveOneIsNot() throws Exception {
    try (TestNetns ns = TestNetns.create("idle")) {
      // Not the 7200 s default: the evidence must come from the namespace, not an assumption.
      ns.sysctl("net.ipv4.tcp_keepalive_time", "5400");
      try (PeerProcess server = PeerProcess.start(ns, "serve", Integer.toString(PORT));
          PeerProcess plain = PeerProcess.start(ns, "connect", Integer.toString(PORT));
          PeerProcess kept =
              PeerProcess.start(ns, "connect", Integer.toString(PORT), "keepidle=1")) {
        String plainEnd = "127.0.0.1:" + plain.localPort();
        String keptEnd = "127.0.0.1:" + kept.localPort();
        // Idle past the 4 s timeout on the plain client (ss: no data either way, no ACK).
        NetnsProbe.await(
            "the plain connection has been idle 5 s", 30, () -> idleMillis(ns, plainEnd) >= 5000);

        DoctorProcess d =
            DoctorProcess.run(
                ns,
                "doctor",
                "-o",
                "json",
                "--once",
                "--middlebox-idle",
                "4s",
                "--set",
                "idle-connections.min-idle=1s");
        long idleAfter = idleMillis(ns, plainEnd);

        assertThat(d.exitCode()).as(d.err()).isEqualTo(1);
        List<JsonNode> f = d.findings("idle-connections");
        assertThat(f).as(d.out()).hasSize(2);
        JsonNode client = only(f, "127.0.0.1:" + PORT, "");
        assertThat(client.get("severity").asString()).isEqualTo("CRITICAL");
        assertThat(client.get("subject").get("processes").get(0).asString())
            .isEqualTo(plain.comm());
        assertThat(DoctorJson.evidence(client, "idle_connections")).isEqualTo(1);
        assertThat(DoctorJson.evidence(client, "no_keepalive_connections")).isEqualTo(1);
        assertThat(DoctorJson.evidence(client, "longest_idle_seconds"))
            .isBetween(5.0, idleAfter / 1000.0);
        assertThat(DoctorJson.evidence(client, "tcp_keepalive_time_seconds")).isEqualTo(5400);
        assertThat(DoctorJson.evidence(client, "assumed_middlebox_timeout_seconds")).isEqualTo(4);
        assertThat(client.get("remediation").asString())
            .contains(plain.comm(), "127.0.0.1:" + PORT, "(now 5400 s)");

        // The server's end of the same connection, named by its listener and the client.
        JsonNode serverEnd = only(f, plainEnd, "127.0.0.1:" + PORT);
        assertThat(serverEnd.get("subject").get("processes").get(0).asString())
            .isEqualTo(server.comm());

        // The kept-alive connection appears nowhere, on neither end.
        assertThat(d.out()).doesNotContain(keptEnd, kept.comm());
      }
    }
  }

  /** Time since the connection from {@code local} last carried data or an ACK, per ss. */
  private static long idleMillis(TestNetns ns, String local) throws java.io.IOException {
    for (NetnsProbe.Row r : NetnsProbe.ss(ns)) {
      if (r.state().equals("ESTAB") && r.local().equals(local)) {
        return Math.min(Math.min(r.value("lastsnd"), r.value("lastrcv")), r.value("lastack"));
      }
    }
    throw new AssertionError("no ESTAB socket from " + local);
  }

  private static JsonNode only(List<JsonNode> findings, String destination, String local) {
    return findings.stream()
        .filter(
            x ->
                x.get("subject").get("destination").asString().equals(destination)
                    && x.get("subject").get("local").asString().equals(local))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding for " + local + " -> " + destination));
  }
}
