package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.k8s.Outcome;
import io.sockwatch.k8s.ReporterStatus;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.watch.ConnectionEventsStatus;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.NamespaceTallies;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** {@code /api/status} (what the agent costs and could not read) and {@code /healthz}. */
final class StatusEndpoints {

  private final Watch sampler;
  private final Clock clock;
  private final Supplier<Optional<ReporterStatus>> kubernetes;

  StatusEndpoints(Watch sampler, Clock clock, Supplier<Optional<ReporterStatus>> kubernetes) {
    this.sampler = sampler;
    this.clock = clock;
    this.kubernetes = kubernetes;
  }

  void status(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    WatchState s = current();
    Optional<ReporterStatus> k = kubernetes.get();
    Responses.json(ex, w -> write(w, s.status(), s.namespaces(), k));
  }

  /**
   * 200 while ticks keep coming; 503 when the last tick is older than three intervals (the sampler
   * is stuck) or none has finished yet.
   */
  void healthz(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    Optional<WatchState> s = sampler.state();
    if (s.isEmpty()) {
      Responses.error(ex, 503, "no sample yet");
      return;
    }
    double age = Duration.between(s.get().takenAt(), clock.instant()).toMillis() / 1000.0;
    double limit = 3 * s.get().status().intervalSeconds() + 2 * s.get().status().lastScanSeconds();
    if (age > limit) {
      Responses.error(ex, 503, String.format("last sample is %.1f s old", age));
      return;
    }
    Responses.text(ex, 200, "text/plain; charset=utf-8", w -> w.write("ok\n"));
  }

  private WatchState current() {
    return sampler
        .state()
        .orElseThrow(() -> new HttpProblem(503, "no sample yet; the first tick is running"));
  }

  static void write(JsonWriter w, WatchStatus s, NamespaceTallies namespaces) {
    write(w, s, namespaces, Optional.empty());
  }

  static void write(
      JsonWriter w,
      WatchStatus s,
      NamespaceTallies namespaces,
      Optional<ReporterStatus> kubernetes) {
    w.beginObject();
    w.field("schema", "sockwatch.status/v1");
    w.field("started_at", s.startedAt().toString());
    w.field("ticks", s.ticks());
    w.field("scans", s.scans());
    w.name("interval_seconds").value(s.intervalSeconds());
    w.name("scan_interval_seconds").value(s.scanIntervalSeconds());
    w.name("last_scan_seconds").value(s.lastScanSeconds());
    w.name("last_scan_cpu_seconds").value(s.lastScanCpuSeconds());
    w.name("cpu_seconds").value(s.cpuSeconds());
    w.name("memory").beginObject();
    w.field("heap_used_bytes", s.heapUsedBytes());
    w.field("heap_max_bytes", s.heapMaxBytes());
    HistoryStatus h = s.history();
    w.name("history").beginObject();
    w.field("series", h.series());
    w.field("max_series", h.maxSeries());
    w.field("bytes", h.bytes());
    w.field("max_bytes", h.maxBytes());
    w.field("refused_series", h.refusedSeries());
    w.field("evicted_series", h.evictedSeries());
    w.field("dropped_samples", h.droppedSamples());
    w.endObject();
    w.name("first_seen").beginObject();
    w.field("sockets", s.trackedSockets());
    w.field("bytes", s.trackedSocketsBytes());
    w.field("refused_sockets", s.untrackedSockets());
    w.endObject();
    w.endObject();
    w.field("findings_refused", s.findingsRefused());
    ConnectionEventsStatus ev = s.connectionEvents();
    w.name("connection_events").beginObject();
    w.field("state", ev.state());
    if (!ev.reason().isEmpty()) {
      w.field("reason", ev.reason());
    }
    w.field("connects", ev.connects());
    w.field("accepts", ev.accepts());
    if (ev.coverage().isPresent()) {
      w.name("coverage").value(ev.coverage().getAsDouble());
    }
    w.field("lost", ev.lost());
    w.field("kernel_memory_bytes", ev.kernelMemoryBytes());
    w.endObject();
    if (!namespaces.top().isEmpty()) {
      w.name("namespaces").beginObject();
      w.field("read", namespaces.read());
      w.field("unreadable", namespaces.failed());
      w.name("largest").beginArray();
      for (NamespaceTallies.Tally t : namespaces.top()) {
        w.beginObject().field("netns", t.netns());
        if (t.inode() != 0) {
          w.field("inode", t.inode());
        }
        if (!t.container().isEmpty()) {
          w.field("container", t.container());
        }
        w.field("sockets", t.sockets()).endObject();
      }
      w.endArray();
      w.endObject();
    }
    s.lastError().ifPresent(e -> w.field("last_error", e));
    w.name("unavailable").beginArray();
    for (Unavailable u : s.unavailable()) {
      w.beginObject().field("item", u.item()).field("reason", u.reason()).endObject();
    }
    w.endArray();
    kubernetes.ifPresent(k -> writeKubernetes(w, k));
    w.endObject();
  }

  /** The {@code kubernetes} object: docs/serve-api.md lists its fields. */
  static void writeKubernetes(JsonWriter w, ReporterStatus k) {
    w.name("kubernetes").beginObject();
    w.field("node", k.node());
    w.field("api_server", k.apiServer());
    w.field("config_source", k.configSource());
    w.field("connected", k.connected());
    k.lastSuccess().ifPresent(t -> w.field("last_success", t.toString()));
    k.lastFailure().ifPresent(t -> w.field("last_failure", t.toString()));
    k.lastError().ifPresent(e -> w.field("last_error", e));
    w.field("consecutive_failures", k.consecutiveFailures());
    k.nextAttempt().ifPresent(t -> w.field("next_attempt", t.toString()));
    w.name("requests").beginObject();
    for (Outcome o : Outcome.values()) {
      w.field(o.label(), k.requests().get(o));
    }
    w.endObject();
    w.field("retries", k.retries());
    w.name("conditions").beginObject();
    k.conditions().forEach(w::field);
    w.endObject();
    w.field("condition_writes", k.conditionWrites());
    k.lastConditionWrite().ifPresent(t -> w.field("last_condition_write", t.toString()));
    w.name("events").beginObject();
    w.field("created", k.eventsCreated());
    w.field("series_updates", k.eventsSeriesUpdates());
    w.field("dropped", k.eventsDropped());
    w.field("pending", k.eventsPending());
    w.endObject();
    w.field("forgotten", k.forgotten());
    w.endObject();
  }
}
