package io.sockwatch.cli.doctor;

import static io.sockwatch.cli.doctor.DoctorJson.evidence;
import static io.sockwatch.cli.doctor.DoctorJson.hasEvidence;
import static io.sockwatch.cli.doctor.LeakFixtures.awaitSs;
import static io.sockwatch.cli.doctor.LeakFixtures.findingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The close-wait detector against a real leak: {@link LeakServerMain} accepts connections and never
 * reads nor closes them, {@link LeakClientMain} sends and closes, both as child processes in a
 * namespace of the test's own (so other sockets on the host cannot change the numbers), and the
 * doctor runs there too. The server runs under an open-files limit the test chooses, so the
 * RLIMIT_NOFILE the finding quotes is provably read from the process, not a default.
 */
@Tag("live")
class CloseWaitDetectorLiveTest {

  private static final String NOFILE = "4096:8192";
  private static final Duration BOUND = Duration.ofSeconds(30);

  private TestNetns ns;
  private ChildJvm server;
  private long serverPid;
  private int port;

  @BeforeEach
  void startServer() throws Exception {
    ns = TestNetns.create("cw");
    server = LeakFixtures.child(ns, NOFILE, LeakServerMain.class, "127.0.0.1");
    String[] ready = server.awaitLine("port ", BOUND).split(" ");
    port = Integer.parseInt(ready[1]);
    serverPid = Long.parseLong(ready[3]);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      ns.close();
    }
  }

  private ChildJvm clients(int count, int bytes, long pauseMillis) throws Exception {
    return LeakFixtures.child(
        ns,
        null,
        LeakClientMain.class,
        "send",
        "127.0.0.1",
        Integer.toString(port),
        "127.0.0.2",
        Integer.toString(count),
        Integer.toString(bytes),
        Long.toString(pauseMillis));
  }

  @Test
  void leakedConnectionsAreReportedWithProcessPeerAgeAndUnreadBytes() throws Exception {
    int connections = 8;
    int bytes = 64 * 1024;
    long clientStart = System.nanoTime();
    try (ChildJvm c = clients(connections, bytes, 0)) {
      assertThat(c.await(BOUND)).as(c.stderr()).isZero();
    }
    long clientEnd = System.nanoTime();
    // All FINs arrived: the server holds every connection in CLOSE_WAIT with all data unread
    // (the FIN adds one to ss's Recv-Q until it is read).
    awaitSs(
        ns,
        "close-wait",
        "sport = :" + port,
        rows -> rows.size() == connections && rows.stream().allMatch(r -> r.recvQ() == bytes + 1),
        BOUND);

    long doctorStart = System.nanoTime();
    var aged =
        CompletableFuture.supplyAsync(
            () ->
                run("doctor", "-o", "json", "--interval", "1s", "--set", "close-wait.min-age=0s"));
    var defaults = CompletableFuture.supplyAsync(() -> run("doctor", "-o", "json", "--once"));
    DoctorProcess withAge = aged.join();
    DoctorProcess byDefault = defaults.join();
    long doctorEnd = System.nanoTime();

    String who = LeakFixtures.label(serverPid);
    assertThat(who).startsWith("java(");
    assertThat(withAge.exitCode()).as(withAge.err()).isEqualTo(1);
    JsonNode f = findingFor(withAge, "close-wait", who);
    assertThat(f.get("severity").asString()).isEqualTo("WARNING");
    assertThat(f.get("id").asString()).isEqualTo("close-wait/" + who);
    assertThat(f.get("subject").get("destination").asString()).isEqualTo("127.0.0.2");
    assertThat(f.get("subject").get("local").asString()).isEqualTo("127.0.0.1:" + port);
    assertThat(evidence(f, "close_wait_sockets")).isEqualTo(connections);
    assertThat(evidence(f, "peer_close_wait_sockets", "127.0.0.2")).isEqualTo(connections);
    assertThat(evidence(f, "unread_bytes")).isEqualTo((double) connections * bytes);
    assertThat(evidence(f, "eof_unread_sockets")).isEqualTo(connections);
    assertThat(evidence(f, "close_wait_growth_sockets")).isZero();
    // Age: each FIN arrived while the client ran and was measured while the doctor ran; the
    // kernel counts in jiffies (at most 4 ms at HZ=250), hence the slack.
    double age = evidence(f, "oldest_close_wait_seconds");
    double slack = 0.01;
    assertThat(age)
        .isBetween(
            (doctorStart - clientEnd) / 1e9 - slack, (doctorEnd - clientStart) / 1e9 + slack);
    assertThat(evidence(f, "open_files_limit")).isEqualTo(4096);
    JsonNode h = f.get("headroom");
    assertThat(h.get("limit").asDouble()).isEqualTo(LeakFixtures.softNofile(serverPid));
    // The JVM's own files plus the listener and the leaked sockets, and nothing changed since.
    assertThat(h.get("used").asDouble()).isEqualTo(LeakFixtures.openFiles(serverPid));
    assertThat(h.has("seconds_to_limit")).as("not growing").isFalse();
    assertThat(f.get("remediation").asString()).contains(who, "close()", "127.0.0.2");
    assertThat(f.get("docs").asString()).isEqualTo("docs/detectors/close-wait.md");

    // With the default minimum age (60 s) these fresh CLOSE_WAIT sockets are not yet a finding.
    assertThat(byDefault.findings("close-wait")).as(byDefault.out()).isEmpty();
  }

  @Test
  void aGrowingLeakIsCriticalWithTimeToTheOpenFilesLimit() throws Exception {
    int bytes = 1000;
    try (ChildJvm trickle = clients(10_000, bytes, 50)) {
      trickle.awaitLine("sent 5", BOUND);
      long filesBefore = LeakFixtures.openFiles(serverPid);
      int closeWaitBefore = LeakFixtures.ss(ns, "close-wait", "sport = :" + port).size();
      DoctorProcess run =
          run("doctor", "-o", "json", "--interval", "2s", "--set", "close-wait.min-age=0s");
      int closeWaitAfter = LeakFixtures.ss(ns, "close-wait", "sport = :" + port).size();
      long filesAfter = LeakFixtures.openFiles(serverPid);

      String who = LeakFixtures.label(serverPid);
      JsonNode f = findingFor(run, "close-wait", who);
      assertThat(f.get("severity").asString()).isEqualTo("CRITICAL");
      assertThat(f.get("title").asString()).contains("growing");
      double count = evidence(f, "close_wait_sockets");
      assertThat(count).isBetween((double) closeWaitBefore, (double) closeWaitAfter);
      assertThat(evidence(f, "unread_bytes")).isEqualTo(count * bytes);
      double growth = evidence(f, "close_wait_growth_sockets");
      assertThat(growth).isPositive().isLessThanOrEqualTo(closeWaitAfter - closeWaitBefore);
      JsonNode h = f.get("headroom");
      assertThat(h.get("limit").asDouble()).isEqualTo(4096);
      assertThat(h.get("used").asDouble()).isBetween((double) filesBefore, (double) filesAfter);
      // (limit - used) at the measured growth rate over the 2 s interval.
      assertThat(h.get("seconds_to_limit").asDouble())
          .isCloseTo((4096 - h.get("used").asDouble()) / (growth / 2), within(1e-6));
      assertThat(hasEvidence(f, "oldest_close_wait_seconds")).isTrue();
    }
  }

  private DoctorProcess run(String... args) {
    try {
      return DoctorProcess.run(ns, args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
