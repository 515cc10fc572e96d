package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A port declared to carry a 1 s heartbeat, with one client that keeps quiet (as with a misspelled
 * heartbeat option) and one that sends a byte every 300 ms: only the quiet one is reported, from
 * the client's side and from the server's.
 */
@Tag("live")
class HeartbeatLiveTest {

  private static final int PORT = 7201;

  @Test
  void quietConnectionOnADeclaredPortIsReportedAndTheChattyOneIsNot() throws Exception {
    try (TestNetns ns = TestNetns.create("hb");
        PeerProcess server = PeerProcess.start(ns, "serve", Integer.toString(PORT));
        PeerProcess quiet = PeerProcess.start(ns, "connect", Integer.toString(PORT));
        PeerProcess chatty =
            PeerProcess.start(ns, "connect", Integer.toString(PORT), "every=300")) {
      String quietEnd = "127.0.0.1:" + quiet.localPort();
      String chattyEnd = "127.0.0.1:" + chatty.localPort();
      // 1 s promised, tolerance 2: quieter than promised after 2 s without data either way.
      NetnsProbe.await(
          "the quiet connection has carried no data for 3 s",
          30,
          () -> quietMillis(ns, quietEnd) >= 3000);

      DoctorProcess d =
          DoctorProcess.run(
              ns, "doctor", "-o", "json", "--once", "--expect-heartbeat", PORT + "=1s");
      long quietAfter = quietMillis(ns, quietEnd);

      List<JsonNode> f = d.findings("heartbeat");
      assertThat(f).as(d.out()).hasSize(2);
      JsonNode client =
          f.stream()
              .filter(x -> x.get("subject").get("local").asString().isEmpty())
              .findFirst()
              .orElseThrow();
      assertThat(client.get("severity").asString()).isEqualTo("WARNING");
      assertThat(client.get("subject").get("processes").get(0).asString()).isEqualTo(quiet.comm());
      assertThat(client.get("subject").get("destination").asString())
          .isEqualTo("127.0.0.1:" + PORT);
      assertThat(DoctorJson.evidence(client, "quiet_connections")).isEqualTo(1);
      assertThat(DoctorJson.evidence(client, "heartbeat_interval_seconds")).isEqualTo(1);
      assertThat(DoctorJson.evidence(client, "longest_silence_seconds"))
          .isBetween(3.0, quietAfter / 1000.0);

      JsonNode serverSide =
          f.stream()
              .filter(x -> x.get("subject").get("local").asString().equals("127.0.0.1:" + PORT))
              .findFirst()
              .orElseThrow();
      assertThat(serverSide.get("subject").get("processes").get(0).asString())
          .isEqualTo(server.comm());
      // The server's finding names the quiet peer only.
      assertThat(serverSide.get("subject").get("destination").asString()).isEqualTo(quietEnd);
      assertThat(d.out()).doesNotContain(chattyEnd, chatty.comm());
    }
  }

  /** Time since the connection from {@code local} last sent or received data, per ss. */
  private static long quietMillis(TestNetns ns, String local) throws IOException {
    for (NetnsProbe.Row r : NetnsProbe.ss(ns)) {
      if (r.state().equals("ESTAB") && r.local().equals(local)) {
        return Math.min(r.value("lastsnd"), r.value("lastrcv"));
      }
    }
    throw new AssertionError("no ESTAB socket from " + local);
  }
}
