package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The DaemonSet's capabilities are enough and each is needed: sockwatch runs as root with exactly
 * the added capabilities as its bounding set (setpriv), as in the pod, and then with each one taken
 * away. Fixtures: a network namespace of the test's own, a connection held by a process of uid
 * 65534, and the server end held by this (root, fully capable) JVM.
 */
@Tag("live")
class CapabilitiesLiveTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String NETNS = "sw-caps-" + ProcessHandle.current().pid();

  private static List<String> added;
  private static ServerSocket server;
  private static Socket accepted;
  private static Process nobody;
  private static int clientPort;

  @BeforeAll
  static void fixtures() throws Exception {
    added =
        Manifests.base()
            .one(DaemonSet.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst()
            .getSecurityContext()
            .getCapabilities()
            .getAdd();
    sh("ip", "netns", "add", NETNS);
    sh("ip", "-n", NETNS, "link", "set", "lo", "up");
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    nobody =
        new ProcessBuilder(
                "setpriv",
                "--reuid",
                "65534",
                "--regid",
                "65534",
                "--clear-groups",
                "--",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/127.0.0.1/"
                    + server.getLocalPort()
                    + " && echo up && exec sleep 120")
            .redirectErrorStream(true)
            .start();
    server.setSoTimeout(10_000);
    accepted = server.accept();
    clientPort = accepted.getPort();
    try (var r =
        new BufferedReader(
            new InputStreamReader(nobody.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo("up");
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (nobody != null) {
      nobody.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (accepted != null) {
      accepted.close();
    }
    if (server != null) {
      server.close();
    }
    new ProcessBuilder("ip", "netns", "del", NETNS).start().waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void theDaemonSetsCapabilitiesReadEverything() throws Exception {
    JsonNode snap = snapshot(added);
    assertThat(namespaceRead(snap)).isTrue();
    assertThat(pidsOf(snap, clientPort, server.getLocalPort())).contains(nobody.pid());
    assertThat(pidsOf(snap, server.getLocalPort(), clientPort))
        .contains(ProcessHandle.current().pid());
  }

  @Test
  void withoutSysAdminOtherNamespacesAreNotEntered() throws Exception {
    assertThat(namespaceRead(snapshot(without("SYS_ADMIN")))).isFalse();
  }

  /** The connection tracer loads with the DaemonSet's capabilities: SYS_ADMIN covers eBPF. */
  @Test
  void theDaemonSetsCapabilitiesTraceConnections() throws Exception {
    Run r = run(added, "snapshot", "--events", "1s", "-o", "json");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(JSON.readTree(r.out()).get("activity").has("connects")).isTrue();
  }

  @Test
  void withoutSysAdminTheTracerSaysWhyNot() throws Exception {
    Run r = run(without("SYS_ADMIN"), "snapshot", "--events", "1s");
    assertThat(r.exit()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).contains("connection events unavailable").contains("needs root");
  }

  private record Run(int exit, String out) {}

  /** sockwatch ARGS as uid 0 whose capabilities are exactly {@code caps}. */
  private static Run run(List<String> caps, String... args) throws Exception {
    StringBuilder bounding = new StringBuilder("-all");
    caps.forEach(c -> bounding.append(",+").append(c.toLowerCase(Locale.ROOT)));
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--bounding-set=" + bounding,
                "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                Repo.shadedJar().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void withoutSysPtraceNoOtherProcessIsAttributed() throws Exception {
    JsonNode snap = snapshot(without("SYS_PTRACE"));
    assertThat(pidsOf(snap, clientPort, server.getLocalPort())).doesNotContain(nobody.pid());
    assertThat(pidsOf(snap, server.getLocalPort(), clientPort))
        .doesNotContain(ProcessHandle.current().pid());
  }

  @Test
  void withoutDacReadSearchOtherUsersProcessesAreNotAttributed() throws Exception {
    JsonNode snap = snapshot(without("DAC_READ_SEARCH"));
    assertThat(pidsOf(snap, clientPort, server.getLocalPort())).doesNotContain(nobody.pid());
    // Root's own processes still are: it is the directory mode that stops it.
    assertThat(pidsOf(snap, server.getLocalPort(), clientPort))
        .contains(ProcessHandle.current().pid());
  }

  private static List<String> without(String cap) {
    assertThat(added).contains(cap);
    List<String> caps = new ArrayList<>(added);
    caps.remove(cap);
    return caps;
  }

  /** snapshot --netns all as uid 0 whose capabilities are exactly {@code caps}. */
  private static JsonNode snapshot(List<String> caps) throws Exception {
    Run r = run(caps, "snapshot", "--netns", "all", "--state", "established", "-o", "json");
    assertThat(r.exit()).as(r.out()).isZero();
    return JSON.readTree(r.out());
  }

  private static boolean namespaceRead(JsonNode snap) {
    boolean listed = false;
    for (JsonNode ns : snap.path("namespaces")) {
      for (JsonNode n : ns.path("names")) {
        listed |= n.asString().equals(NETNS);
      }
    }
    for (JsonNode u : snap.path("unavailable")) {
      if (u.path("item").asString().contains(NETNS)) {
        return false;
      }
    }
    assertThat(listed).as("namespace %s neither read nor listed as unavailable", NETNS).isTrue();
    return true;
  }

  private static List<Long> pidsOf(JsonNode snap, int localPort, int remotePort) {
    for (JsonNode s : snap.path("sockets")) {
      if (s.path("local").path("port").asInt() == localPort
          && s.path("remote").path("port").asInt() == remotePort) {
        List<Long> pids = new ArrayList<>();
        s.path("pids").forEach(n -> pids.add(n.asLong()));
        return pids;
      }
    }
    throw new AssertionError("no socket " + localPort + " -> " + remotePort + " in the snapshot");
  }

  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
