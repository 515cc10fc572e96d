package io.sockwatch.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.doctor.DoctorProcess;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.EchoProcess;
import io.sockwatch.testkit.EchoProcess.Keepalive;
import io.sockwatch.testkit.MiddleboxTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The middlebox incident end to end on a real stateful firewall (client, firewall and server
 * namespaces; nftables dropping what conntrack no longer knows; established entries forgotten after
 * 20 s idle):
 *
 * <ol>
 *   <li>the real {@code sockwatch probe-idle} in the client namespace measures the firewall's
 *       timeout against the real {@code sockwatch echo} in the server namespace, and stores it;
 *   <li>two application connections go idle, one without keepalive and one with TCP_KEEPIDLE 5 s;
 *       while both still work, the real {@code sockwatch doctor} flags only the first, judged
 *       against the measured timeout;
 *   <li>past the timeout, the first one's send is retransmitted into the firewall's invalid-drop
 *       rule and never answered, while the second one still echoes.
 * </ol>
 *
 * The idle periods are the scenario and are deliberate sleeps; every other wait polls a condition
 * with a deadline.
 */
@Tag("live")
class MiddleboxIdleLiveTest {

  private static final int TIMEOUT = 20;
  private static final int PORT = 7007;
  private static final Pattern RETRANS = Pattern.compile("\\bretrans:(\\d+)/(\\d+)");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;
  private final Closer closer = new Closer();
  private MiddleboxTopology topology;

  @BeforeEach
  void setUp() throws Exception {
    topology = closer.keep(MiddleboxTopology.create("swpi", TIMEOUT));
    ChildJvm echo =
        closer.keep(
            ChildJvm.launcher()
                .netns(topology.server())
                .start(Main.class, "echo", "--listen", target()));
    echo.awaitLine("sockwatch echo: listening on " + target(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void probeMeasuresTheTimeoutAndDoctorFlagsOnlyTheConnectionThatThenDies() throws Exception {
    Path state = dir.resolve("middlebox-timeouts");

    // 1. Measure. 5 s .. 80 s: doubling 5, 10, 20, 40, 80 then 7 connections between the last
    // survivor and the first casualty; the deadline bounds the run whatever happens.
    ChildJvm probe =
        closer.keep(
            ChildJvm.launcher()
                .netns(topology.client())
                .start(
                    Main.class,
                    "probe-idle",
                    "--target",
                    target(),
                    "--min-idle",
                    "5s",
                    "--max-idle",
                    "80s",
                    "--deadline",
                    "100s",
                    "--reply-timeout",
                    "3s",
                    "--keepalive-idle",
                    "5",
                    "--state-file",
                    state.toString(),
                    "-o",
                    "json"));
    JsonNode result = JSON.readTree(probe.awaitLine("{", Duration.ofSeconds(150)));
    assertThat(probe.await(Duration.ofSeconds(10))).as(probe.stderr()).isZero();
    JsonNode r = result.get("result");
    assertThat(r.get("found").asBoolean()).as(result.toString()).isTrue();
    double survived = r.get("survivedSeconds").asDouble();
    double died = r.get("diedSeconds").asDouble();
    double estimate = r.get("estimateSeconds").asDouble();
    assertThat(survived).as(result.toString()).isLessThan(TIMEOUT * 1.25);
    assertThat(died).as(result.toString()).isGreaterThan(TIMEOUT * 0.75);
    assertThat(estimate).as(result.toString()).isBetween(TIMEOUT * 0.75, TIMEOUT * 1.25);
    assertThat(r.get("precise").asBoolean()).isTrue();
    // Bounded: about 1.5 x the timeout (doubling to 20-40 s, then one refine round).
    assertThat(result.get("elapsedSeconds").asDouble()).isLessThan(100);
    JsonNode ka = result.get("keepalive");
    assertThat(ka.get("checked").asBoolean()).as(ka.toString()).isTrue();
    assertThat(ka.get("survived").asBoolean()).as(ka.toString()).isTrue();
    assertThat(ka.get("idleSeconds").asDouble()).isGreaterThan(died);
    assertThat(Files.readString(state)).contains(topology.serverAddress() + " " + PORT + " ");
    // Probe connections end with a reset: none lingers (FIN_WAIT1 retransmitting into the
    // firewall, or TIME_WAIT) to be mistaken for the application's trouble.
    assertThat(topology.client().exec("ss", "-tanH", "dst", topology.serverAddress()).strip())
        .isEmpty();
    System.out.printf(
        "probe-idle: timeout in (%.2f, %.2f] s, estimate %.2f s (true %d s), %.1f s, %d"
            + " connections%n",
        survived,
        died,
        estimate,
        TIMEOUT,
        result.get("elapsedSeconds").asDouble(),
        result.get("connections").asInt());

    // 2. Two application connections, used once, then idle.
    EchoProcess bare =
        closer.keep(EchoProcess.client(topology.client(), topology.serverAddress(), PORT, null));
    EchoProcess keptAlive =
        closer.keep(
            EchoProcess.client(
                topology.client(),
                topology.serverAddress(),
                PORT,
                new Keepalive(Duration.ofSeconds(5), Duration.ofSeconds(2))));
    bare.send("hello");
    keptAlive.send("hello");
    assertThat(bare.awaitLine("ECHO", Duration.ofSeconds(5))).contains("ECHO hello");
    assertThat(keptAlive.awaitLine("ECHO", Duration.ofSeconds(5))).contains("ECHO hello");
    long idleSince = System.nanoTime();

    // Past half the measured timeout (what doctor waits for), well before the timeout itself.
    sleepUntil(idleSince, Duration.ofMillis((long) (survived * 1000 / 2) + 1500));
    DoctorProcess doctor =
        DoctorProcess.run(
            topology.client(), "doctor", "--once", "-o", "json", "--state-file", state.toString());
    double idleAtDoctor = (System.nanoTime() - idleSince) / 1e9;
    assertThat(idleAtDoctor)
        .as("doctor ran while the connection still worked")
        .isLessThan(survived);
    List<JsonNode> idle = doctor.findings("idle-connections");
    assertThat(idle).as(doctor.out() + doctor.err()).hasSize(1);
    JsonNode f = idle.getFirst();
    assertThat(f.toString())
        .contains("java(" + bare.pid() + ")", topology.serverAddress() + ":" + PORT, "(measured)")
        .doesNotContain("java(" + keptAlive.pid() + ")");
    assertThat(f.get("severity").asString()).isEqualTo("WARNING");
    assertThat(doctor.out()).doesNotContain("middlebox timeouts");

    // 3. Past the timeout: the bare connection is dead, the kept-alive one is not.
    sleepUntil(idleSince, Duration.ofMillis((long) (died * 1500)));
    long dropsBefore = topology.invalidDrops();
    bare.send("after");
    keptAlive.send("after");
    assertThat(keptAlive.awaitLine("ECHO", Duration.ofSeconds(5))).contains("ECHO after");
    String ss = topology.awaitClientRetransmits(bare.localPort(), 2, Duration.ofSeconds(15));
    assertThat(ss).as("the bare connection's send is retransmitted").containsPattern(RETRANS);
    assertThat(bare.awaitLine("ECHO", Duration.ofMillis(200))).isEmpty();
    assertThat(topology.invalidDrops()).isGreaterThanOrEqualTo(dropsBefore + 2);
  }

  private String target() {
    return topology.serverAddress() + ":" + PORT;
  }

  private static void sleepUntil(long since, Duration after) throws InterruptedException {
    long left = since + after.toNanos() - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
