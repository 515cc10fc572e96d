package io.sockwatch.k8s;

import io.sockwatch.model.watch.WatchState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * One step at a time of the reporter, on one thread: read the agent's latest state, decide what is
 * due (conditions, events), write it, and on failure back off. The caller (the reporter's thread,
 * or a test) calls {@link #step()} and waits as long as it returns; all time comes from the clock,
 * so tests step it by hand. Not thread-safe, except {@link #status()}, which returns the snapshot
 * published at the end of the last step.
 */
final class ReporterCore {

  /** Re-reads after a 409 within one attempt before it counts as a failure. */
  static final int CONFLICT_TRIES = 3;

  static final String EVENT_NAMESPACE = "default";
  static final String REPORTING_CONTROLLER = "sockwatch.io/serve";

  private final String node;
  private final KubeApi api;
  private final String configSource;
  private final Supplier<Optional<WatchState>> states;
  private final ReporterSettings settings;
  private final Clock clock;
  private final DoubleSupplier random;
  private final Consumer<String> log;
  private final ConditionPlanner planner;
  private final EventTracker tracker;
  private final SeriesBook series;
  private final TokenBucket bucket;
  private final Backoff backoff;
  private final ArrayDeque<EventIntent> pending = new ArrayDeque<>();
  private final Map<Outcome, Long> requests = new EnumMap<>(Outcome.class);

  private WatchState lastState;
  private List<DesiredCondition> written;
  private Instant writtenAt;
  private String nodeUid = "";
  private Instant lastSuccess;
  private Instant lastFailure;
  private String lastError;
  private int failures;
  private Instant nextAttempt;
  private long retries;
  private long conditionWrites;
  private long eventsCreated;
  private long eventsSeries;
  private long eventsDropped;
  private long lastNameNanos;
  private volatile ReporterStatus status;

  ReporterCore(
      String node,
      KubeApi api,
      String configSource,
      Supplier<Optional<WatchState>> states,
      ReporterSettings settings,
      Clock clock,
      DoubleSupplier random,
      Consumer<String> log) {
    this.node = node;
    this.api = api;
    this.configSource = configSource;
    this.states = states;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.log = log;
    this.planner = new ConditionPlanner(settings.maxMessageBytes());
    this.tracker = new EventTracker(settings.seriesMemory(), settings.maxMessageBytes());
    this.series = new SeriesBook(settings.seriesMemory(), settings.seriesWindow());
    this.bucket = new TokenBucket(settings.eventsPerMinute(), clock.instant());
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    publish();
  }

  /** Does what is due now; returns how long to wait before the next step. */
  Duration step() {
    Optional<WatchState> state = states.get();
    if (state.isPresent() && state.get() != lastState) {
      lastState = state.get();
      for (EventIntent e : tracker.observe(lastState)) {
        enqueue(e);
      }
    }
    List<DesiredCondition> desired = planner.plan(state.map(WatchState::open).orElse(List.of()));
    Instant now = clock.instant();
    if (nextAttempt != null && now.isBefore(nextAttempt)) {
      publish();
      return min(Duration.between(now, nextAttempt), settings.tick());
    }
    boolean retry = failures > 0;
    try {
      if (retry) {
        retries++;
      }
      if (conditionsDue(desired, now)) {
        writeConditions(desired, now);
      }
      flushEvents();
      succeeded(now);
    } catch (ApiException e) {
      failed(now, e.getMessage());
    } catch (RuntimeException e) {
      failed(now, "internal error: " + e);
    }
    publish();
    Duration wait = settings.tick();
    return nextAttempt == null ? wait : min(Duration.between(now, nextAttempt), wait);
  }

  ReporterStatus status() {
    return status;
  }

  private boolean conditionsDue(List<DesiredCondition> desired, Instant now) {
    if (written == null) {
      return true;
    }
    Duration since = Duration.between(writtenAt, now);
    if (since.compareTo(settings.heartbeat()) >= 0) {
      return true;
    }
    boolean findingsChanged = false;
    for (int i = 0; i < desired.size(); i++) {
      DesiredCondition d = desired.get(i);
      DesiredCondition w = written.get(i);
      if (d.active() != w.active()) {
        return true;
      }
      findingsChanged |= !d.findingIds().equals(w.findingIds());
    }
    return findingsChanged && since.compareTo(settings.minWriteInterval()) >= 0;
  }

  private void writeConditions(List<DesiredCondition> desired, Instant now) {
    for (int attempt = 1; ; attempt++) {
      NodeView view = call(() -> api.getNode(node));
      nodeUid = view.uid();
      String patch = StatusPatch.build(view, desired, now);
      try {
        call(
            () -> {
              api.patchNodeStatus(node, patch);
              return null;
            });
        written = desired;
        writtenAt = now;
        conditionWrites++;
        return;
      } catch (ApiException e) {
        if (e.outcome() != Outcome.CONFLICT || attempt >= CONFLICT_TRIES) {
          throw e;
        }
        retries++;
      }
    }
  }

  private void enqueue(EventIntent e) {
    pending.addLast(e);
    while (pending.size() > settings.pendingEvents()) {
      pending.removeFirst();
      eventsDropped++;
    }
  }

  private void flushEvents() {
    while (!pending.isEmpty() && bucket.tryTake(clock.instant())) {
      EventIntent e = pending.peekFirst();
      try {
        send(e);
      } catch (ApiException x) {
        if (x.code() != 400 && x.code() != 422) {
          throw x;
        }
        // Refused as invalid: retrying cannot help; say so and go on with the next.
        eventsDropped++;
        lastError = x.getMessage();
        lastFailure = clock.instant();
      }
      pending.removeFirst();
    }
  }

  private void send(EventIntent e) {
    Optional<SeriesBook.Entry> recent = series.recent(e.seriesKey(), e.observedAt());
    if (recent.isPresent()) {
      SeriesBook.Entry r = recent.get();
      int count = r.count() + 1;
      try {
        call(
            () -> {
              api.updateSeries(r.namespace(), r.name(), count, e.observedAt());
              return null;
            });
        series.put(
            e.seriesKey(), new SeriesBook.Entry(r.namespace(), r.name(), count, e.observedAt()));
        eventsSeries++;
        return;
      } catch (ApiException x) {
        if (x.code() == 403) {
          // No RBAC permission to patch events (only create): say so, and count the repeat as a
          // new event rather than lose it or stall the queue behind it.
          lastError = x.getMessage() + " (grant patch on events.k8s.io events to count repeats)";
          lastFailure = clock.instant();
        } else if (x.code() != 404) {
          throw x;
        }
        series.remove(e.seriesKey()); // gone (the API server let it expire) or not patchable
      }
    }
    String name = eventName();
    EventDraft draft =
        new EventDraft(
            EVENT_NAMESPACE,
            name,
            node,
            nodeUid,
            e.observedAt(),
            e.type(),
            e.reason(),
            e.action(),
            e.note(),
            REPORTING_CONTROLLER,
            node);
    call(
        () -> {
          api.createEvent(draft);
          return null;
        });
    series.put(e.seriesKey(), new SeriesBook.Entry(EVENT_NAMESPACE, name, 1, e.observedAt()));
    eventsCreated++;
  }

  /** {@code NODE.HEX}: the node and the time in nanoseconds, unique within this reporter. */
  private String eventName() {
    Instant now = clock.instant();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    lastNameNanos = Math.max(nanos, lastNameNanos + 1);
    return node + "." + Long.toHexString(lastNameNanos);
  }

  private <T> T call(Supplier<T> request) {
    try {
      T result = request.get();
      count(Outcome.OK);
      return result;
    } catch (ApiException e) {
      count(e.outcome());
      throw e;
    }
  }

  private void count(Outcome o) {
    requests.merge(o, 1L, Long::sum);
  }

  private void succeeded(Instant now) {
    if (failures > 0) {
      log.accept("Kubernetes API reachable again after " + failures + " failed attempts");
    }
    failures = 0;
    nextAttempt = null;
    lastSuccess = now;
  }

  private void failed(Instant now, String message) {
    failures++;
    Duration wait = backoff.delay(failures, random);
    nextAttempt = now.plus(wait);
    lastFailure = now;
    lastError = message;
    if (failures == 1) {
      log.accept(
          message + " (retrying with backoff up to " + settings.backoffCap().toSeconds() + " s)");
    }
  }

  private void publish() {
    Map<String, String> conditions = new LinkedHashMap<>();
    if (written != null) {
      for (DesiredCondition d : written) {
        conditions.put(d.type(), d.status());
      }
    }
    status =
        new ReporterStatus(
            node,
            api.server(),
            configSource,
            failures == 0 && lastSuccess != null,
            Optional.ofNullable(lastSuccess),
            Optional.ofNullable(lastFailure),
            Optional.ofNullable(lastError),
            failures,
            Optional.ofNullable(nextAttempt),
            requests,
            retries,
            conditions,
            conditionWrites,
            Optional.ofNullable(writtenAt),
            eventsCreated,
            eventsSeries,
            eventsDropped,
            pending.size(),
            tracker.forgotten() + series.forgotten());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
