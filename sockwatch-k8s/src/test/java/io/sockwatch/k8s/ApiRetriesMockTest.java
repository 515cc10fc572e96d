package io.sockwatch.k8s;

import static io.sockwatch.k8s.Fixtures.T0;
import static io.sockwatch.k8s.MockCluster.NODE;
import static io.sockwatch.k8s.MockCluster.READY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.sockwatch.model.watch.WatchState;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Failures of the API, injected on fabric8's mock server (expectations answered before its stored
 * objects): conflicts are re-read and retried at once, server errors and timeouts are retried with
 * capped exponential backoff within the documented bounds, the attempts are exactly those, and
 * through all of it the reporter keeps reading the agent's state and its status says what happens.
 * Tagged live: the mock server listens on a loopback socket.
 */
@Tag("live")
class ApiRetriesMockTest {

  private static final String STATUS_PATH = "/api/v1/nodes/" + NODE + "/status";

  private MockCluster cluster;
  private final Fixtures.StepClock clock = new Fixtures.StepClock(T0);
  private final AtomicInteger stateReads = new AtomicInteger();
  private final AtomicReference<Optional<WatchState>> state =
      new AtomicReference<>(Optional.empty());
  private Fabric8Api api;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    cluster.seed(READY);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    cluster.close();
  }

  private ReporterCore core(Duration timeout, double jitter) {
    api = cluster.api(timeout);
    return new ReporterCore(
        NODE,
        api,
        "test",
        () -> {
          stateReads.incrementAndGet();
          return state.get();
        },
        NodeConditionsMockTest.SETTINGS,
        clock,
        () -> jitter,
        l -> {});
  }

  private static Status status(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  private void failPatch(int code, String reason, int times) {
    cluster
        .expect()
        .patch()
        .withPath(STATUS_PATH)
        .andReturn(code, status(code, reason, reason + " (injected)"))
        .times(times);
  }

  @Test
  void conflictsAreReReadAndRetriedAtOnce() {
    ReporterCore core = core(Duration.ofSeconds(10), 0.5);
    failPatch(409, "Conflict", 2);

    core.step();

    assertThat(cluster.nodeRequests())
        .extracting(MockCluster.Request::line)
        .containsExactly(
            "GET /api/v1/nodes/" + NODE,
            "PATCH " + STATUS_PATH,
            "GET /api/v1/nodes/" + NODE,
            "PATCH " + STATUS_PATH,
            "GET /api/v1/nodes/" + NODE,
            "PATCH " + STATUS_PATH);
    ReporterStatus s = core.status();
    assertThat(s.connected()).isTrue();
    assertThat(s.requests().get(Outcome.CONFLICT)).isEqualTo(2);
    assertThat(s.requests().get(Outcome.OK)).isEqualTo(4);
    assertThat(s.retries()).isEqualTo(2);
    assertThat(s.conditionWrites()).isEqualTo(1);
    assertThat(cluster.condition("SocketLeak").getStatus()).isEqualTo("False");
    assertThat(cluster.condition("Ready")).isEqualTo(READY);
  }

  @Test
  void conflictsThatPersistBackOffLikeAnyFailure() {
    ReporterCore core = core(Duration.ofSeconds(10), 0.0);
    failPatch(409, "Conflict", ReporterCore.CONFLICT_TRIES);

    core.step();

    ReporterStatus s = core.status();
    assertThat(s.connected()).isFalse();
    assertThat(s.consecutiveFailures()).isEqualTo(1);
    assertThat(s.lastError()).get().asString().contains("409").contains("Conflict (injected)");
    assertThat(s.nextAttempt()).contains(T0.plusMillis(500));
    assertThat(cluster.nodeRequests()).hasSize(2 * ReporterCore.CONFLICT_TRIES);

    clock.advance(Duration.ofMillis(499));
    core.step();
    assertThat(cluster.nodeRequests()).as("no attempt before the backoff is over").isEmpty();
    clock.advance(Duration.ofMillis(1));
    core.step();
    assertThat(cluster.nodeRequests()).hasSize(2);
    assertThat(core.status().connected()).isTrue();
    assertThat(core.status().consecutiveFailures()).isZero();
    assertThat(core.status().nextAttempt()).isEmpty();
  }

  @Test
  void serverErrorsAreRetriedWithCappedExponentialBackoffUntilTheyStop() {
    ReporterCore core = core(Duration.ofSeconds(10), 0.999);
    int failures = 8; // ceilings 1, 2, 4, 8, 16, 32, then the 60 s cap twice
    failPatch(500, "InternalError", failures);
    long[] ceilings = {1, 2, 4, 8, 16, 32, 60, 60};

    int patches = 0;
    for (int n = 1; n <= failures; n++) {
      Instant attemptAt = clock.instant();
      int readsBefore = stateReads.get();
      core.step();
      patches +=
          (int) cluster.nodeRequests().stream().filter(r -> r.method().equals("PATCH")).count();
      ReporterStatus s = core.status();
      assertThat(s.consecutiveFailures()).isEqualTo(n);
      assertThat(s.connected()).isFalse();
      Duration wait = Duration.between(attemptAt, s.nextAttempt().orElseThrow());
      assertThat(wait)
          .as("wait after failure %d", n)
          .isBetween(
              Duration.ofSeconds(ceilings[n - 1]).dividedBy(2),
              Duration.ofSeconds(ceilings[n - 1]));
      // While it waits the reporter still reads the agent's state every tick, and asks nothing.
      for (Instant t = attemptAt.plusSeconds(1);
          t.isBefore(s.nextAttempt().get());
          t = t.plusSeconds(1)) {
        clock.advance(Duration.between(clock.instant(), t));
        core.step();
      }
      assertThat(stateReads.get() - readsBefore).isGreaterThanOrEqualTo((int) wait.toSeconds());
      assertThat(cluster.nodeRequests()).isEmpty();
      clock.advance(Duration.between(clock.instant(), s.nextAttempt().get()));
    }
    core.step();

    patches +=
        (int) cluster.nodeRequests().stream().filter(r -> r.method().equals("PATCH")).count();
    assertThat(patches)
        .as("one PATCH per attempt: %d failed, then one that worked", failures)
        .isEqualTo(failures + 1);
    ReporterStatus s = core.status();
    assertThat(s.connected()).isTrue();
    assertThat(s.requests().get(Outcome.SERVER_ERROR)).isEqualTo(failures);
    assertThat(s.retries()).isEqualTo(failures);
    assertThat(s.lastSuccess()).contains(clock.instant());
    assertThat(s.lastError()).get().asString().contains("500").contains("InternalError (injected)");
    assertThat(cluster.condition("Ready")).isEqualTo(READY);
    assertThat(cluster.condition("SocketLeak").getStatus()).isEqualTo("False");
  }

  @Test
  void aRequestThatTimesOutIsATimeoutAndIsRetried() {
    ReporterCore core = core(Duration.ofMillis(300), 0.0);
    cluster
        .expect()
        .patch()
        .delay(3000)
        .withPath(STATUS_PATH)
        .andReturn(200, cluster.node())
        .once();

    long started = System.nanoTime();
    core.step();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    ReporterStatus s = core.status();
    assertThat(s.requests().get(Outcome.TIMEOUT)).isEqualTo(1);
    assertThat(s.lastError()).get().asString().contains("timed out");
    assertThat(took)
        .as("the step gave up at the request timeout")
        .isLessThan(Duration.ofMillis(2500));
    clock.advance(Duration.ofMillis(500));
    core.step();
    assertThat(core.status().connected()).isTrue();
    assertThat(cluster.condition("SocketLeak").getStatus()).isEqualTo("False");
  }

  @Test
  void anUnreachableServerIsANetworkError() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Config nowhere =
        new ConfigBuilder(cluster.client().getConfiguration())
            .withMasterUrl("http://127.0.0.1:" + closed + "/")
            .build();
    api = Fabric8Api.create(nowhere, Duration.ofSeconds(2));
    ReporterCore core =
        new ReporterCore(
            NODE,
            api,
            "test",
            state::get,
            NodeConditionsMockTest.SETTINGS,
            clock,
            () -> 0.0,
            l -> {});

    core.step();

    ReporterStatus s = core.status();
    assertThat(s.requests().get(Outcome.NETWORK_ERROR)).isEqualTo(1);
    assertThat(s.lastError()).get().asString().startsWith("GET node " + NODE + ": unreachable");
    assertThat(s.apiServer()).isEqualTo("http://127.0.0.1:" + closed + "/");
  }

  @Test
  void theReporterThreadKeepsReadingAndClosesPromptlyWhileTheServerFails() throws Exception {
    cluster
        .expect()
        .get()
        .withPath("/api/v1/nodes/" + NODE)
        .andReturn(503, status(503, "ServiceUnavailable", "down"))
        .always();
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReporterSettings fast =
        new ReporterSettings(
            Duration.ofMillis(50),
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            30,
            100,
            500,
            Duration.ofHours(1),
            1024);
    Fabric8Api threadApi = cluster.api(fast.requestTimeout());
    NodeReporter reporter =
        NodeReporter.start(
            threadApi,
            NODE,
            "test",
            () -> {
              stateReads.incrementAndGet();
              return state.get();
            },
            fast,
            java.time.Clock.systemUTC(),
            log::add);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (reporter.status().consecutiveFailures() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      ReporterStatus s = reporter.status();
      assertThat(s.consecutiveFailures()).isGreaterThanOrEqualTo(4);
      assertThat(s.requests().get(Outcome.SERVER_ERROR)).isGreaterThanOrEqualTo(4);
      assertThat(stateReads.get()).as("state read every tick meanwhile").isGreaterThan(4);
      assertThat(log).as("one line when the API was lost, not one per attempt").hasSize(1);
      assertThat(log.getFirst()).contains("503").contains("retrying with backoff");
    } finally {
      long started = System.nanoTime();
      reporter.close();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }
}
