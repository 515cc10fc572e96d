package io.sockwatch.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.sockwatch.cli.Main;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.testkit.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code serve --kubernetes} end to end, as far as this machine allows: the real agent (a child
 * JVM) watches a real CLOSE_WAIT leak in a namespace of the test's own and writes to fabric8's mock
 * API server (a mock: no real API server can run here; it stores the Node and applies the agent's
 * JSON patches), found through a kubeconfig file in {@code KUBECONFIG}, on the Node named by {@code
 * NODE_NAME}. The leak turns {@code SocketLeak} to {@code True} with a message naming the leaking
 * process; once that process has ended it turns back to {@code False}. kubelet's {@code Ready} is
 * the same at the end as at the start. The agent runs in this namespace (so that it reaches the
 * mock server on loopback) and reads the test's namespace with {@code --netns NAME}.
 */
@Tag("live")
class SocketLeakConditionMockLiveTest {

  private static final String NODE = "sockwatch-live-node";
  private static final String PORT = "7310";
  private static final Duration BOUND = Duration.ofSeconds(90);

  private static final NodeCondition READY =
      new NodeConditionBuilder()
          .withType("Ready")
          .withStatus("True")
          .withReason("KubeletReady")
          .withMessage("kubelet is posting ready status")
          .withLastHeartbeatTime("2026-12-07T09:59:50Z")
          .withLastTransitionTime("2026-12-01T08:00:00Z")
          .build();

  private final Closer opened = new Closer();

  @TempDir Path dir;

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  /** fabric8's mock API server, CRUD, plain HTTP on loopback, and a client of the test's own. */
  private KubernetesClient mockApiServer() {
    Map<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>
        expectations = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init();
    opened.keep(server::destroy);
    return opened.keep(server.createClient());
  }

  private Path kubeconfig(String server) throws Exception {
    return Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        users:
        - name: sockwatch
          user:
            token: not-checked-by-the-mock
        contexts:
        - name: mock
          context:
            cluster: mock
            user: sockwatch
        current-context: mock
        """
            .formatted(server));
  }

  private static Optional<NodeCondition> condition(KubernetesClient k, String type) {
    Node n = k.nodes().withName(NODE).get();
    return n.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  private static void await(String what, Supplier<Boolean> done, Supplier<String> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!done.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "waited " + BOUND.toSeconds() + " s for " + what + "\n" + context.get());
      }
      Thread.sleep(250);
    }
  }

  @Test
  void aRealCloseWaitLeakTurnsSocketLeakTrueNamingTheProcessAndFalseOnceItEnds() throws Exception {
    KubernetesClient k = mockApiServer();
    k.nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .endMetadata()
                .withNewStatus()
                .withConditions(READY)
                .endStatus()
                .build())
        .create();
    TestNetns ns = opened.keep(TestNetns.create("k8s"));
    ServeProcess serve =
        opened.keep(
            ServeProcess.start(
                null,
                Map.of(
                    "KUBECONFIG",
                    kubeconfig(k.getMasterUrl().toString()).toString(),
                    "NODE_NAME",
                    NODE),
                List.of(),
                "--netns",
                ns.name(),
                "--kubernetes",
                "--set",
                "close-wait.min-age=1s",
                "--resolve-after",
                "5s",
                "--cpu-budget",
                "50%"));
    Supplier<String> context =
        () -> "node: " + k.nodes().withName(NODE).get().getStatus() + "\nagent: " + serve.stderr();

    // At start all four are written False, beside Ready.
    await(
        "the four conditions written False",
        () ->
            List.of("TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure")
                .stream()
                .allMatch(
                    t -> condition(k, t).map(c -> c.getStatus().equals("False")).orElse(false)),
        context);

    // A server that never closes what its client closed: CLOSE_WAIT piles up in its process.
    Traffic server = opened.keep(Traffic.start(ns, "leaky-server", PORT));
    Traffic client = opened.keep(Traffic.start(ns, "connect-close", PORT, "5", "150"));
    await(
        "SocketLeak True naming " + server.label(),
        () ->
            condition(k, "SocketLeak")
                .map(c -> c.getStatus().equals("True") && c.getMessage().contains(server.label()))
                .orElse(false),
        context);
    NodeCondition leaking = condition(k, "SocketLeak").orElseThrow();
    System.out.printf(
        "SocketLeak: %s %s: %s%n", leaking.getStatus(), leaking.getReason(), leaking.getMessage());
    assertThat(leaking.getReason()).isEqualTo("SocketLeakDetected");
    assertThat(leaking.getMessage()).contains("Fix: ").contains("Headroom: ");
    assertThat(leaking.getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(1024);
    List<Event> events = k.events().v1().events().inNamespace("default").list().getItems();
    assertThat(events)
        .as("an event regarding the node names the process")
        .anySatisfy(
            e -> {
              assertThat(e.getRegarding().getName()).isEqualTo(NODE);
              assertThat(e.getReportingController()).isEqualTo("sockwatch.io/serve");
              assertThat(e.getReportingInstance()).isEqualTo(NODE);
              assertThat(e.getAction()).isEqualTo("Opened");
              assertThat(e.getNote()).contains(server.label());
            });

    // The leaking process ends (its CLOSE_WAIT sockets with it): SocketLeak goes back to False.
    client.close();
    server.close();
    long ended = System.nanoTime();
    await(
        "SocketLeak False after the leaking process ended",
        () -> condition(k, "SocketLeak").map(c -> c.getStatus().equals("False")).orElse(false),
        context);
    System.out.printf(
        "SocketLeak False %.1f s after the leaking process ended%n",
        (System.nanoTime() - ended) / 1e9);
    NodeCondition quiet = condition(k, "SocketLeak").orElseThrow();
    assertThat(quiet.getReason()).isEqualTo("NoSocketLeak");
    assertThat(quiet.getLastTransitionTime()).isNotEqualTo(leaking.getLastTransitionTime());
    assertThat(condition(k, "Ready")).contains(READY);
    assertThat(k.nodes().withName(NODE).get().getStatus().getConditions()).hasSize(5);

    JsonNode status = serve.json("/api/status").get("kubernetes");
    assertThat(status.get("node").asString()).isEqualTo(NODE);
    assertThat(status.get("connected").asBoolean()).as(status.toString()).isTrue();
    assertThat(status.get("conditions").get("SocketLeak").asString()).isEqualTo("False");
    assertThat(status.get("condition_writes").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(serve.get("/metrics").body()).contains("sockwatch_kubernetes_up 1.0");
  }

  @Test
  void withNoApiServerConfiguredServeSaysSoInOneLine() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    try (ChildJvm serve =
        ChildJvm.launcher()
            .heap("128m")
            .env("KUBECONFIG", null)
            .env("KUBERNETES_SERVICE_HOST", null)
            .env("KUBERNETES_MASTER", null)
            .flags("--enable-native-access=ALL-UNNAMED", "-Duser.home=" + home)
            .start(
                Main.class,
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--netns",
                "self",
                "--kubernetes")) {
      assertThat(serve.await(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(serve.stderr().lines().toList())
          .first()
          .asString()
          .startsWith(
              "sockwatch: --kubernetes: no Kubernetes API found: KUBECONFIG names no file, there is"
                  + " no "
                  + home.resolve(".kube/config"));
      assertThat(serve.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
