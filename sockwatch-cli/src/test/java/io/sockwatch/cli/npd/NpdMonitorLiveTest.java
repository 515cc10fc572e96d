package io.sockwatch.cli.npd;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.doctor.ChurnMain;
import io.sockwatch.cli.doctor.LeakClientMain;
import io.sockwatch.cli.doctor.LeakServerMain;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-problem-detector monitor config's commands, run exactly as written in the JSON (its
 * {@code path} replaced by a launcher of this build, its {@code args} as listed, its rule {@code
 * timeout} as the bound), on real scenarios: a quiet node, a narrow port range piled with
 * TIME_WAIT, and a real CLOSE_WAIT leak. Each condition's exit code is checked in each scenario (0
 * false, 1 true), and that stdout is one line within {@code max_output_length}.
 *
 * <p>The rules judge every network namespace (the default), as node-problem-detector on a node
 * should: pods live in namespaces of their own. So the scenarios run one after the other, each in a
 * namespace the test created and removes before the next, and the per-namespace checks are run from
 * inside that namespace ({@code ip netns exec}, as a node-problem-detector pod without host
 * networking would be); the node-wide ones from the host's. A "quiet" answer is the whole
 * machine's: the live lock keeps other tests away.
 */
@Tag("live")
class NpdMonitorLiveTest {

  private static final String TCP_MEMORY = "TCPMemoryPressure";
  private static final String PORTS = "EphemeralPortPressure";
  private static final String LEAK = "SocketLeak";
  private static final String CONNTRACK = "ConntrackPressure";

  /** close-wait's default minimum age: a CLOSE_WAIT younger than this is not a leak yet. */
  private static final Duration LEAK_AGE = Duration.ofSeconds(60);

  @TempDir Path bin;

  private NpdMonitorConfig config;
  private Path launcher;

  /** What one rule's command printed and returned. */
  private record Run(String condition, int exitCode, String out, String err) {
    String line() {
      return out.strip();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    config = NpdMonitorConfig.load();
    // The installed launcher's stand-in: this build's CLI on the test classpath, with the flags
    // the repository's ./sockwatch gives short-lived commands. (./sockwatch itself would build the
    // jar, which does not exist yet while Maven runs the tests.)
    launcher = bin.resolve("sockwatch");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec '"
            + java
            + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
            + " --enable-native-access=ALL-UNNAMED -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + Main.class.getName()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs the rule of {@code condition} as written, inside {@code ns} (null: here). */
  private Run run(String condition, TestNetns ns) throws IOException, InterruptedException {
    NpdMonitorConfig.Rule rule = config.rule(condition);
    assertThat(rule.path()).isEqualTo(NpdMonitorConfig.INSTALLED_PATH);
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(ns.prefix());
    }
    cmd.add(launcher.toString());
    cmd.addAll(rule.args());
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    long start = System.nanoTime();
    if (!p.waitFor(rule.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(condition + " did not finish within its timeout " + rule.timeout());
    }
    Run r = new Run(condition, p.exitValue(), out.join(), err.join());
    System.out.printf(
        "%s: exit %d in %.2f s: %s%n",
        condition, r.exitCode(), (System.nanoTime() - start) / 1e9, r.line());
    return r;
  }

  /** Exactly one line on stdout, within max_output_length bytes; nothing on stderr. */
  private void assertOneLine(Run r) {
    assertThat(r.out()).as(r.condition()).endsWith("\n");
    assertThat(r.out().lines().toList()).as(r.condition() + ": " + r.out()).hasSize(1);
    assertThat(r.line().getBytes(StandardCharsets.UTF_8).length)
        .as(r.condition() + ": " + r.line())
        .isLessThanOrEqualTo(config.maxOutputLength());
    assertThat(r.line()).startsWith(r.condition() + ": ");
    assertThat(r.err()).as(r.condition()).isEmpty();
  }

  /** Every rule in a scenario: the per-namespace ones from inside {@code ns}. */
  private Map<String, Run> all(TestNetns ns) throws Exception {
    Map<String, Run> runs = new LinkedHashMap<>();
    runs.put(TCP_MEMORY, run(TCP_MEMORY, null));
    runs.put(CONNTRACK, run(CONNTRACK, null));
    runs.put(PORTS, run(PORTS, ns));
    runs.put(LEAK, run(LEAK, ns));
    runs.values().forEach(this::assertOneLine);
    return runs;
  }

  private static void assertOk(Run r) {
    assertThat(r.exitCode()).as(r.line()).isZero();
    assertThat(r.line()).isEqualTo(r.condition() + ": ok");
  }

  @Test
  void quietNodePortPileAndLeakGiveTheRightExitCodes() throws Exception {
    // 1. Quiet: an empty namespace; nothing on the node sets any condition.
    try (TestNetns quiet = TestNetns.create("npdquiet")) {
      all(quiet).values().forEach(NpdMonitorLiveTest::assertOk);
    }

    // 2. Ports: 200 local ports, 10 held and 165 in TIME_WAIT toward one server, tcp_tw_reuse=0
    // (the default 2 would let loopback reuse them): 175 of 200 block new connections.
    try (TestNetns ns = TestNetns.create("npdports")) {
      // Set before the client connects: connect() reads them when it picks a port.
      ns.sysctl("net.ipv4.ip_local_port_range", "40000 40199");
      ns.sysctl("net.ipv4.tcp_tw_reuse", "0");
      try (ChildJvm server = churn(ns, "server", "7000");
          ChildJvm client = churn(ns, "client", "7000", "10", "165")) {
        awaitTimeWait(ns, 165);
        Map<String, Run> runs = all(ns);
        Run ports = runs.get(PORTS);
        assertThat(ports.exitCode()).as(ports.line()).isEqualTo(1);
        assertThat(ports.line())
            .startsWith(
                PORTS + ": Ephemeral ports to 127.0.0.1:7000 are 88% used: 175 of 200 block new");
        assertOk(runs.get(TCP_MEMORY));
        assertOk(runs.get(CONNTRACK));
        assertOk(runs.get(LEAK));
      }
    }

    // 3. Leak: a server that never closes what its 20 clients closed, judged once its CLOSE_WAIT
    // sockets are past close-wait's minimum age.
    try (TestNetns ns = TestNetns.create("npdleak");
        ChildJvm server = leakChild(ns, LeakServerMain.class, "127.0.0.1")) {
      String[] ready = server.awaitLine("port ", Duration.ofSeconds(30)).split(" ");
      String port = ready[1];
      long pid = Long.parseLong(ready[3]);
      long leakedAt;
      try (ChildJvm clients =
          leakChild(
              ns, LeakClientMain.class, "send", "127.0.0.1", port, "127.0.0.2", "20", "100", "0")) {
        assertThat(clients.await(Duration.ofSeconds(30))).as(clients.stderr()).isZero();
        leakedAt = System.nanoTime();
      }
      // Young CLOSE_WAIT is not (yet) a leak.
      Run young = run(LEAK, ns);
      assertOneLine(young);
      if (System.nanoTime() - leakedAt < LEAK_AGE.toNanos() - 5_000_000_000L) {
        assertOk(young);
      }
      long waitNanos = leakedAt + LEAK_AGE.toNanos() + 1_000_000_000L - System.nanoTime();
      if (waitNanos > 0) {
        // The age is the kernel's (tcp_info's last_ack_recv): nothing to poll but time.
        Thread.sleep(waitNanos / 1_000_000);
      }
      Map<String, Run> runs = all(ns);
      Run leak = runs.get(LEAK);
      assertThat(leak.exitCode()).as(leak.line()).isEqualTo(1);
      assertThat(leak.line()).startsWith(LEAK + ": java(" + pid + ") has not closed 20");
      assertOk(runs.get(TCP_MEMORY));
      assertOk(runs.get(CONNTRACK));
      assertOk(runs.get(PORTS));
    }
  }

  /** Waits (bounded) until ss shows {@code count} TIME_WAIT toward port 7000 in {@code ns}. */
  private static void awaitTimeWait(TestNetns ns, int count) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = ns.exec("ss", "-tanH", "state", "time-wait", "dport", "= :7000").lines().count();
      if (seen >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("only " + seen + " of " + count + " TIME_WAIT after 20 s");
  }

  /** A {@link ChurnMain} server or client in {@code ns}, once it says ready. */
  private static ChildJvm churn(TestNetns ns, String... args) throws Exception {
    ChildJvm jvm =
        ChildJvm.launcher()
            .netns(ns)
            .heap("256m")
            .flags("-XX:TieredStopAtLevel=1", "-Xss256k")
            .start(ChurnMain.class, args);
    try {
      jvm.awaitLine("ready", Duration.ofSeconds(60));
      return jvm;
    } catch (IOException | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** {@link LeakServerMain} or {@link LeakClientMain} in {@code ns}. */
  private static ChildJvm leakChild(TestNetns ns, Class<?> main, String... args)
      throws IOException {
    return ChildJvm.launcher()
        .netns(ns)
        .heap("64m")
        .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
        .start(main, args);
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
