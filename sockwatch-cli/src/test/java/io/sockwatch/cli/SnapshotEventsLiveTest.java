package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code snapshot --events} against connections this JVM makes while it traces: every connection it
 * lists on the test's port is one the test made (by local port), opened by this process and closed
 * here first; a connect to a closed port is listed as refused; the per-flow count agrees with the
 * listing, and the listener's owner is this process.
 */
@Tag("live")
class SnapshotEventsLiveTest {

  private static final long PID = ProcessHandle.current().pid();

  @Test
  void listsTheConnectionsThisProcessMakesWithTheirOutcome() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      Thread.ofVirtual().start(() -> acceptAndDrain(server));
      CompletableFuture<CliRun> run =
          CompletableFuture.supplyAsync(
              () -> CliRun.of("snapshot", "--events", "4s", "-o", "json"));
      Set<Integer> made = new HashSet<>();
      // Bounded: the trace lasts 4 s; connections every 20 ms until it has ended.
      for (int i = 0; i < 1000 && !run.isDone(); i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          made.add(s.getLocalPort());
          s.getOutputStream().write(1);
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
        } catch (ConnectException refused) {
          // Expected: nothing listens there.
        }
        Thread.sleep(20);
      }
      CliRun r = run.get(60, TimeUnit.SECONDS);
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      JsonNode json = r.json();
      int listed = 0;
      int refused = 0;
      for (JsonNode c : json.get("connections")) {
        if (c.get("remote_port").asInt() == port && c.get("direction").asString().equals("outbound")) {
          listed++;
          assertThat(made).contains(c.get("local_port").asInt());
          assertThat(c.get("pid").asLong()).isEqualTo(PID);
          assertThat(c.get("outcome").asString()).isEqualTo("closed-here");
          assertThat(c.get("lifetime_seconds").asDouble()).isBetween(0.0, 1.0);
        }
        if (c.get("remote_port").asInt() == closedPort) {
          refused++;
          assertThat(c.get("outcome").asString()).isEqualTo("refused");
          assertThat(c.get("pid").asLong()).isEqualTo(PID);
        }
      }
      assertThat(listed).as(r.out()).isGreaterThan(10).isLessThanOrEqualTo(made.size());
      assertThat(refused).isGreaterThan(10);
      long flowConnects = 0;
      for (JsonNode f : json.get("activity").get("flows")) {
        if (f.get("port").asInt() == port && f.get("pid").asLong() == PID) {
          flowConnects += f.get("connects").asLong();
          assertThat(f.get("interval_seconds").asDouble()).isPositive();
        }
      }
      assertThat(flowConnects).isEqualTo(listed);
      assertThat(json.get("listener_owners").get(Integer.toString(port)).asString())
          .contains("(" + PID + ")");
    }
  }

  private static void acceptAndDrain(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        // To the client's FIN: the client closes first, so its end is closed-here.
        while (s.getInputStream().read() >= 0) {}
      } catch (IOException e) {
        return;
      }
    }
  }
}
