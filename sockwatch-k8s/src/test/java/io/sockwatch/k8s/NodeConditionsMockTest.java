package io.sockwatch.k8s;

import static io.sockwatch.k8s.Fixtures.T0;
import static io.sockwatch.k8s.Fixtures.finding;
import static io.sockwatch.k8s.Fixtures.open;
import static io.sockwatch.k8s.Fixtures.resolved;
import static io.sockwatch.k8s.Fixtures.state;
import static io.sockwatch.k8s.MockCluster.KERNEL_DEADLOCK;
import static io.sockwatch.k8s.MockCluster.NODE;
import static io.sockwatch.k8s.MockCluster.READY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The condition writes against fabric8's mock API server (CRUD mode: it stores the Node and applies
 * the JSON patches the reporter sends), stepped by hand on a clock the test moves: the exact
 * requests, kubelet's {@code Ready} and another writer's condition untouched by every patch,
 * transition times that move only with the status, and writes bounded by the heartbeat. Tagged live
 * because the mock server listens on a loopback socket.
 */
@Tag("live")
class NodeConditionsMockTest {

  static final ReporterSettings SETTINGS =
      new ReporterSettings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(60),
          30,
          100,
          500,
          Duration.ofHours(1),
          1024);

  private MockCluster cluster;
  private final Fixtures.StepClock clock = new Fixtures.StepClock(T0);
  private final AtomicReference<Optional<WatchState>> state =
      new AtomicReference<>(Optional.empty());
  private Fabric8Api api;
  private ReporterCore core;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    api = cluster.api(Duration.ofSeconds(10));
    core = new ReporterCore(NODE, api, "test", state::get, SETTINGS, clock, () -> 0.5, l -> {});
  }

  @AfterEach
  void stop() {
    api.close();
    cluster.close();
  }

  private void at(Instant t, List<Finding> open) {
    state.set(Optional.of(state(t, open.stream().map(f -> open(f, T0, t)).toList(), List.of())));
  }

  private void advanceTo(Instant t) {
    clock.advance(Duration.between(clock.instant(), t));
  }

  @Test
  void theFirstPatchSetsAllFourFalseThroughTheStatusSubresourceAndTouchesNothingElse()
      throws Exception {
    String rv = cluster.seed(READY, KERNEL_DEADLOCK).getMetadata().getResourceVersion();

    core.step();

    List<MockCluster.Request> requests = cluster.requests();
    assertThat(requests)
        .extracting(MockCluster.Request::line)
        .containsExactly("GET /api/v1/nodes/" + NODE, "PATCH /api/v1/nodes/" + NODE + "/status");
    MockCluster.Request patch = requests.get(1);
    assertThat(patch.contentType()).startsWith("application/json-patch+json");
    String quiet = "No open finding shows %s (set by findings of %s).";
    assertThat(patch.json())
        .isEqualTo(
            MockCluster.JSON.readTree(
                """
                [{"op":"replace","path":"/metadata/resourceVersion","value":"%s"},
                 {"op":"add","path":"/status/conditions/-","value":{"type":"TCPMemoryPressure",
                  "status":"False","lastHeartbeatTime":"2026-12-07T10:00:00Z",
                  "lastTransitionTime":"2026-12-07T10:00:00Z","reason":"TCPMemoryWithinLimits","message":"%s"}},
                 {"op":"add","path":"/status/conditions/-","value":{"type":"EphemeralPortPressure",
                  "status":"False","lastHeartbeatTime":"2026-12-07T10:00:00Z",
                  "lastTransitionTime":"2026-12-07T10:00:00Z","reason":"EphemeralPortsAvailable","message":"%s"}},
                 {"op":"add","path":"/status/conditions/-","value":{"type":"SocketLeak",
                  "status":"False","lastHeartbeatTime":"2026-12-07T10:00:00Z",
                  "lastTransitionTime":"2026-12-07T10:00:00Z","reason":"NoSocketLeak","message":"%s"}},
                 {"op":"add","path":"/status/conditions/-","value":{"type":"ConntrackPressure",
                  "status":"False","lastHeartbeatTime":"2026-12-07T10:00:00Z",
                  "lastTransitionTime":"2026-12-07T10:00:00Z","reason":"ConntrackTableHasRoom","message":"%s"}}]
                """
                    .formatted(
                        rv,
                        quiet.formatted(
                            "TCP memory or orphaned sockets near the kernel's limit",
                            "tcp-memory at WARNING+, orphans at WARNING+, node-leak at CRITICAL"),
                        quiet.formatted(
                            "local ports toward a destination running out",
                            "ephemeral-ports at WARNING+, connection-churn at CRITICAL, herd at"
                                + " CRITICAL"),
                        quiet.formatted(
                            "a process not closing its sockets",
                            "close-wait at WARNING+, socket-leak at WARNING+"),
                        quiet.formatted(
                            "the connection-tracking table filling", "conntrack at WARNING+"))));

    assertThat(cluster.node().getStatus().getConditions())
        .extracting(NodeCondition::getType, NodeCondition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True"),
            org.assertj.core.groups.Tuple.tuple("KernelDeadlock", "False"),
            org.assertj.core.groups.Tuple.tuple("TCPMemoryPressure", "False"),
            org.assertj.core.groups.Tuple.tuple("EphemeralPortPressure", "False"),
            org.assertj.core.groups.Tuple.tuple("SocketLeak", "False"),
            org.assertj.core.groups.Tuple.tuple("ConntrackPressure", "False"));
    assertThat(cluster.condition("Ready")).isEqualTo(READY);
    assertThat(cluster.condition("KernelDeadlock")).isEqualTo(KERNEL_DEADLOCK);
    ReporterStatus s = core.status();
    assertThat(s.connected()).isTrue();
    assertThat(s.conditionWrites()).isEqualTo(1);
    assertThat(s.requests().get(Outcome.OK)).isEqualTo(2);
    assertThat(s.conditions())
        .containsExactly(
            java.util.Map.entry("TCPMemoryPressure", "False"),
            java.util.Map.entry("EphemeralPortPressure", "False"),
            java.util.Map.entry("SocketLeak", "False"),
            java.util.Map.entry("ConntrackPressure", "False"));
  }

  @Test
  void aNodeWithoutConditionsGetsAllFourInOneAdd() throws Exception {
    cluster.seed();

    core.step();

    JsonNode ops = cluster.requests().get(1).json();
    assertThat(ops).hasSize(2);
    assertThat(ops.get(1).get("op").asString()).isEqualTo("add");
    assertThat(ops.get(1).get("path").asString()).isEqualTo("/status/conditions");
    assertThat(cluster.node().getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .containsExactly(
            "TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure");
  }

  @Test
  void transitionTimesMoveOnlyWithTheStatusAndWritesAreBoundedByTheHeartbeat() throws Exception {
    cluster.seed(READY, KERNEL_DEADLOCK);
    Finding leak = finding("close-wait", "java(12)", Severity.WARNING);
    Finding second = finding("socket-leak", "java(13)", Severity.WARNING);

    core.step(); // T0: all four False
    assertThat(cluster.nodeRequests()).hasSize(2);

    // Quiet seconds: nothing to write.
    for (int s = 1; s < 5; s++) {
      advanceTo(T0.plusSeconds(s));
      at(clock.instant(), List.of());
      core.step();
    }
    assertThat(cluster.nodeRequests()).as("no write while nothing changes").isEmpty();

    // kubelet writes Ready meanwhile (a new heartbeat); the Node's version moves on.
    NodeCondition kubeletLater =
        new NodeConditionBuilder(READY).withLastHeartbeatTime("2026-12-07T10:00:04Z").build();
    cluster.rewriteConditions(
        List.of(
            kubeletLater,
            KERNEL_DEADLOCK,
            cluster.condition("TCPMemoryPressure"),
            cluster.condition("EphemeralPortPressure"),
            cluster.condition("SocketLeak"),
            cluster.condition("ConntrackPressure")));

    // T0+5: a leak opens: SocketLeak turns True at once, its transition is now.
    advanceTo(T0.plusSeconds(5));
    at(clock.instant(), List.of(leak));
    core.step();
    List<MockCluster.Request> r = cluster.nodeRequests();
    assertThat(r).extracting(MockCluster.Request::line).hasSize(2);
    JsonNode ops = r.get(1).json();
    assertThat(ops).hasSize(5);
    assertThat(ops.get(3).get("path").asString()).isEqualTo("/status/conditions/4");
    assertThat(ops.get(3).get("op").asString()).isEqualTo("replace");
    NodeCondition socketLeak = cluster.condition("SocketLeak");
    assertThat(socketLeak.getStatus()).isEqualTo("True");
    assertThat(socketLeak.getReason()).isEqualTo("SocketLeakDetected");
    assertThat(socketLeak.getMessage()).startsWith("WARNING: java(12) has not closed");
    assertThat(socketLeak.getLastTransitionTime()).isEqualTo("2026-12-07T10:00:05Z");
    assertThat(socketLeak.getLastHeartbeatTime()).isEqualTo("2026-12-07T10:00:05Z");
    assertThat(cluster.condition("TCPMemoryPressure").getLastTransitionTime())
        .as("unchanged status keeps its transition time")
        .isEqualTo("2026-12-07T10:00:00Z");
    assertThat(cluster.condition("TCPMemoryPressure").getLastHeartbeatTime())
        .isEqualTo("2026-12-07T10:00:05Z");
    assertThat(cluster.condition("Ready"))
        .as("kubelet's own write survives")
        .isEqualTo(kubeletLater);
    assertThat(cluster.condition("KernelDeadlock")).isEqualTo(KERNEL_DEADLOCK);

    // T0+6..T0+11: the same finding (its numbers change, not its identity): no write.
    // T0+12: a second finding sets SocketLeak too, but the last write is 7 s old: wait.
    for (int s = 6; s <= 14; s++) {
      advanceTo(T0.plusSeconds(s));
      at(clock.instant(), s < 12 ? List.of(leak) : List.of(leak, second));
      core.step();
    }
    assertThat(cluster.nodeRequests())
        .as("at most one write per 10 s unless a status changes")
        .isEmpty();
    advanceTo(T0.plusSeconds(15));
    at(clock.instant(), List.of(leak, second));
    core.step();
    assertThat(cluster.nodeRequests()).hasSize(2);
    assertThat(cluster.condition("SocketLeak").getMessage())
        .contains("Also: 1 more (socket-leak/java(13))");
    assertThat(cluster.condition("SocketLeak").getLastTransitionTime())
        .isEqualTo("2026-12-07T10:00:05Z");

    // Nothing changes for a minute: one heartbeat, 60 s after the last write, and no other.
    int writes = 0;
    for (int s = 16; s <= 80; s++) {
      advanceTo(T0.plusSeconds(s));
      at(clock.instant(), List.of(leak, second));
      core.step();
      List<MockCluster.Request> now = cluster.nodeRequests();
      if (!now.isEmpty()) {
        writes++;
        assertThat(s).as("heartbeat second").isEqualTo(75);
      }
    }
    assertThat(writes).isEqualTo(1);
    assertThat(cluster.condition("SocketLeak").getLastHeartbeatTime())
        .isEqualTo("2026-12-07T10:01:15Z");
    assertThat(cluster.condition("SocketLeak").getLastTransitionTime())
        .isEqualTo("2026-12-07T10:00:05Z");

    // Both resolve: False at once, a new transition time.
    advanceTo(T0.plusSeconds(90));
    state.set(
        Optional.of(
            state(
                clock.instant(),
                List.of(),
                List.of(
                    resolved(leak, T0, clock.instant()), resolved(second, T0, clock.instant())))));
    core.step();
    assertThat(cluster.nodeRequests()).hasSize(2);
    assertThat(cluster.condition("SocketLeak").getStatus()).isEqualTo("False");
    assertThat(cluster.condition("SocketLeak").getReason()).isEqualTo("NoSocketLeak");
    assertThat(cluster.condition("SocketLeak").getLastTransitionTime())
        .isEqualTo("2026-12-07T10:01:30Z");
    assertThat(cluster.condition("Ready")).isEqualTo(kubeletLater);
    assertThat(cluster.condition("KernelDeadlock")).isEqualTo(KERNEL_DEADLOCK);
    assertThat(core.status().conditionWrites()).isEqualTo(5);
  }

  @Test
  void conditionsThatMovedInTheListAreFoundAgainAndNeverDuplicated() throws Exception {
    cluster.seed(READY);
    core.step();
    cluster.nodeRequests();
    // Another writer puts its condition first and drops nothing: every index of ours moves by one.
    List<NodeCondition> now = cluster.node().getStatus().getConditions();
    List<NodeCondition> shifted = new java.util.ArrayList<>();
    shifted.add(KERNEL_DEADLOCK);
    shifted.addAll(now);
    cluster.rewriteConditions(shifted);

    advanceTo(T0.plusSeconds(3));
    at(clock.instant(), List.of(finding("conntrack", "", Severity.CRITICAL)));
    core.step();

    assertThat(cluster.nodeRequests().get(1).json().get(4).get("path").asString())
        .isEqualTo("/status/conditions/5");
    assertThat(cluster.node().getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .containsExactly(
            "KernelDeadlock",
            "Ready",
            "TCPMemoryPressure",
            "EphemeralPortPressure",
            "SocketLeak",
            "ConntrackPressure");
    assertThat(cluster.condition("ConntrackPressure").getStatus()).isEqualTo("True");
    assertThat(cluster.condition("Ready")).isEqualTo(READY);
    assertThat(cluster.condition("KernelDeadlock")).isEqualTo(KERNEL_DEADLOCK);
  }
}
