package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.NamespaceTallies;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@code /api/status} (what the agent costs and could not read) and {@code /healthz}. */
final class StatusEndpoints {

  private final Watch sampler;
  private final Clock clock;

  StatusEndpoints(Watch sampler, Clock clock) {
    this.sampler = sampler;
    this.clock = clock;
  }

  void status(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    WatchState s = current();
    Responses.json(ex, w -> write(w, s.status(), s.namespaces()));
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
    w.endObject();
  }
}
