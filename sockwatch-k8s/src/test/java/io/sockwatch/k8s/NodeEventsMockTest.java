package io.sockwatch.k8s;

import static io.sockwatch.k8s.Fixtures.T0;
import static io.sockwatch.k8s.Fixtures.finding;
import static io.sockwatch.k8s.Fixtures.open;
import static io.sockwatch.k8s.Fixtures.resolved;
import static io.sockwatch.k8s.Fixtures.state;
import static io.sockwatch.k8s.MockCluster.NODE;
import static io.sockwatch.k8s.MockCluster.READY;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code events.k8s.io/v1} Events on fabric8's mock API server: one when a finding opens, one when
 * it resolves, a repeat counted on the same event's series, and the rate and queue bounds. Tagged
 * live: the mock server listens on a loopback socket.
 */
@Tag("live")
class NodeEventsMockTest {

  private static final String EVENTS = "/apis/events.k8s.io/v1/namespaces/default/events";

  private MockCluster cluster;
  private final Fixtures.StepClock clock = new Fixtures.StepClock(T0);
  private final AtomicReference<Optional<WatchState>> state =
      new AtomicReference<>(Optional.empty());
  private Fabric8Api api;
  private String nodeUid;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    nodeUid = cluster.seed(READY).getMetadata().getUid();
    api = cluster.api(Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    api.close();
    cluster.close();
  }

  private ReporterCore core(ReporterSettings settings) {
    ReporterCore core =
        new ReporterCore(NODE, api, "test", state::get, settings, clock, () -> 0.5, l -> {});
    core.step(); // the conditions' first write
    cluster.requests();
    return core;
  }

  private void observe(List<TrackedFinding> open, List<TrackedFinding> resolved) {
    state.set(Optional.of(state(clock.instant(), open, resolved)));
  }

  private List<MockCluster.Request> eventRequests() {
    return cluster.requests().stream().filter(r -> r.path().startsWith(EVENTS)).toList();
  }

  private List<Event> events() {
    return cluster.own(
        () -> cluster.client().events().v1().events().inNamespace("default").list().getItems());
  }

  @Test
  void openingResolvingAndRepeatingAreTwoEventsWithCountedSeries() {
    ReporterCore core = core(NodeConditionsMockTest.SETTINGS);
    Finding leak = finding("close-wait", "java(12)", Severity.CRITICAL);

    // Opens: one event, exactly so.
    clock.advance(Duration.ofSeconds(1));
    observe(List.of(open(leak, clock.instant(), clock.instant())), List.of());
    core.step();
    List<MockCluster.Request> r = eventRequests();
    assertThat(r).extracting(MockCluster.Request::line).containsExactly("POST " + EVENTS);
    JsonNode e = r.getFirst().json();
    assertThat(e.get("apiVersion").asString()).isEqualTo("events.k8s.io/v1");
    assertThat(e.get("kind").asString()).isEqualTo("Event");
    assertThat(e.get("metadata").get("namespace").asString()).isEqualTo("default");
    assertThat(e.get("metadata").get("name").asString()).matches(NODE + "\\.[0-9a-f]+");
    assertThat(e.get("regarding").get("kind").asString()).isEqualTo("Node");
    assertThat(e.get("regarding").get("apiVersion").asString()).isEqualTo("v1");
    assertThat(e.get("regarding").get("name").asString()).isEqualTo(NODE);
    assertThat(e.get("regarding").get("uid").asString()).isEqualTo(nodeUid);
    assertThat(e.get("reportingController").asString()).isEqualTo("sockwatch.io/serve");
    assertThat(e.get("reportingInstance").asString()).isEqualTo(NODE);
    assertThat(e.get("action").asString()).isEqualTo("Opened");
    assertThat(e.get("reason").asString()).isEqualTo("CloseWait");
    assertThat(e.get("type").asString()).isEqualTo("Warning");
    assertThat(e.get("eventTime").asString()).isEqualTo("2026-12-07T10:00:01.000000Z");
    assertThat(e.get("note").asString())
        .startsWith("CRITICAL: java(12) has not closed 200 connections")
        .contains("Finding close-wait/java(12)");
    assertThat(e.has("series")).isFalse();
    String opened = e.get("metadata").get("name").asString();

    // Stays open: nothing more.
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      observe(List.of(open(leak, T0, clock.instant())), List.of());
      core.step();
    }
    assertThat(eventRequests()).isEmpty();

    // Resolves: a second event.
    clock.advance(Duration.ofSeconds(30));
    Instant resolvedAt = clock.instant();
    observe(List.of(), List.of(resolved(leak, T0, resolvedAt)));
    core.step();
    r = eventRequests();
    assertThat(r).extracting(MockCluster.Request::line).containsExactly("POST " + EVENTS);
    assertThat(r.getFirst().json().get("action").asString()).isEqualTo("Resolved");
    assertThat(r.getFirst().json().get("reason").asString()).isEqualTo("CloseWaitResolved");
    assertThat(r.getFirst().json().get("type").asString()).isEqualTo("Normal");
    String resolvedName = r.getFirst().json().get("metadata").get("name").asString();

    // The same finding opens again: counted on the first event, not a new one.
    clock.advance(Duration.ofMinutes(5));
    observe(List.of(open(leak, clock.instant(), clock.instant())), List.of());
    core.step();
    r = eventRequests();
    assertThat(r)
        .extracting(MockCluster.Request::line)
        .containsExactly("PATCH " + EVENTS + "/" + opened);
    assertThat(r.getFirst().contentType()).startsWith("application/merge-patch+json");
    assertThat(r.getFirst().json())
        .isEqualTo(
            MockCluster.JSON.readTree(
                "{\"series\":{\"count\":2,\"lastObservedTime\":\"2026-12-07T10:05:36.000000Z\"}}"));

    // And resolves again: counted on the resolution's event.
    clock.advance(Duration.ofSeconds(40));
    observe(List.of(), List.of(resolved(leak, T0, clock.instant())));
    core.step();
    assertThat(eventRequests())
        .extracting(MockCluster.Request::line)
        .containsExactly("PATCH " + EVENTS + "/" + resolvedName);

    // A third time open: count 3 on the first event. The server holds exactly the two events.
    clock.advance(Duration.ofMinutes(5));
    observe(List.of(open(leak, clock.instant(), clock.instant())), List.of());
    core.step();
    List<Event> stored = events();
    assertThat(stored).hasSize(2);
    Event first =
        stored.stream()
            .filter(x -> x.getMetadata().getName().equals(opened))
            .findFirst()
            .orElseThrow();
    assertThat(first.getSeries().getCount()).isEqualTo(3);
    assertThat(first.getNote()).startsWith("CRITICAL: java(12)");
    ReporterStatus s = core.status();
    assertThat(s.eventsCreated()).isEqualTo(2);
    assertThat(s.eventsSeriesUpdates()).isEqualTo(3);
    assertThat(s.eventsDropped()).isZero();
  }

  @Test
  void anEventTheServerNoLongerHasIsWrittenAnew() {
    ReporterCore core = core(NodeConditionsMockTest.SETTINGS);
    Finding leak = finding("close-wait", "java(12)", Severity.WARNING);
    observe(List.of(open(leak, T0, T0)), List.of());
    core.step();
    observe(List.of(), List.of(resolved(leak, T0, T0)));
    core.step();
    cluster.requests();
    for (Event e : events()) {
      cluster.own(() -> cluster.client().resource(e).delete());
    }

    clock.advance(Duration.ofMinutes(10));
    observe(List.of(open(leak, clock.instant(), clock.instant())), List.of());
    core.step();

    assertThat(eventRequests())
        .extracting(r -> r.method() + (r.path().equals(EVENTS) ? " events" : " one event"))
        .containsExactly("PATCH one event", "POST events");
    assertThat(events()).hasSize(1);
    assertThat(core.status().connected()).isTrue();
  }

  @Test
  void withoutPermissionToPatchEventsARepeatIsANewEventAndTheRefusalIsShown() {
    ReporterCore core = core(NodeConditionsMockTest.SETTINGS);
    Finding leak = finding("close-wait", "java(12)", Severity.WARNING);
    observe(List.of(open(leak, T0, T0)), List.of());
    core.step();
    observe(List.of(), List.of(resolved(leak, T0, T0)));
    core.step();
    String opened =
        events().stream()
            .filter(e -> e.getAction().equals("Opened"))
            .findFirst()
            .orElseThrow()
            .getMetadata()
            .getName();
    cluster
        .expect()
        .patch()
        .withPath(EVENTS + "/" + opened)
        .andReturn(
            403,
            new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("events.events.k8s.io is forbidden: cannot patch")
                .build())
        .once();
    cluster.requests();

    clock.advance(Duration.ofMinutes(10));
    observe(List.of(open(leak, clock.instant(), clock.instant())), List.of());
    core.step();

    assertThat(eventRequests())
        .extracting(r -> r.method() + (r.path().equals(EVENTS) ? " events" : " one event"))
        .containsExactly("PATCH one event", "POST events");
    assertThat(events()).hasSize(3);
    ReporterStatus s = core.status();
    assertThat(s.connected()).as("a refused repeat does not stall reporting").isTrue();
    assertThat(s.requests().get(Outcome.CLIENT_ERROR)).isEqualTo(1);
    assertThat(s.lastError()).get().asString().contains("403").contains("grant patch");
    assertThat(s.eventsCreated()).isEqualTo(3);
  }

  @Test
  void eventsPerMinuteAndWaitingEventsAreBoundedAndDropsCounted() {
    ReporterSettings tight =
        new ReporterSettings(
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            10,
            20,
            500,
            Duration.ofHours(1),
            1024);
    ReporterCore core = core(tight);
    List<TrackedFinding> open = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      open.add(open(finding("close-wait", "p(" + i + ")", Severity.WARNING), T0, T0));
    }

    observe(open, List.of());
    core.step();

    assertThat(eventRequests()).hasSize(10);
    ReporterStatus s = core.status();
    assertThat(s.eventsCreated()).isEqualTo(10);
    assertThat(s.eventsDropped()).as("50 - 20 waiting at most").isEqualTo(30);
    assertThat(s.eventsPending()).isEqualTo(10);

    for (int sec = 1; sec < 60; sec++) {
      clock.advance(Duration.ofSeconds(1));
      core.step();
    }
    assertThat(eventRequests()).as("one every 6 s at 10 a minute").hasSize(9);
    clock.advance(Duration.ofSeconds(1));
    core.step();
    assertThat(eventRequests()).hasSize(1);
    assertThat(core.status().eventsPending()).isZero();
    assertThat(core.status().eventsCreated()).isEqualTo(20);
    assertThat(events()).hasSize(20);
  }
}
