package io.sockwatch.cli.metrics;

import io.sockwatch.model.watch.ConnectionEventsStatus;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import java.time.Instant;

/**
 * The agent's account of itself ({@link WatchStatus}): how often it samples, what that costs in CPU
 * and memory, how full its bounded stores are and what their caps turned away, so that an agent
 * that costs too much or silently stopped keeping data shows on the same dashboards.
 */
final class SelfMetrics {

  private SelfMetrics() {}

  static void add(Families out, WatchState state) {
    WatchStatus s = state.status();
    out.gauge(
        "sockwatch_agent_start_time_seconds",
        "When sampling started, seconds since the epoch.",
        seconds(s.startedAt()));
    out.gauge(
        "sockwatch_last_tick_timestamp_seconds",
        "When the last tick read the node, seconds since the epoch.",
        seconds(state.takenAt()));
    state
        .scan()
        .ifPresent(
            scan ->
                out.gauge(
                    "sockwatch_last_scan_timestamp_seconds",
                    "When the socket table was last read, seconds since the epoch (the sockets,"
                        + " process and destination metrics are from that scan).",
                    seconds(scan.takenAt())));
    out.counter("sockwatch_ticks_total", "Ticks (node counters read) since start.", s.ticks());
    out.counter("sockwatch_scans_total", "Socket-table scans since start.", s.scans());
    out.gauge(
        "sockwatch_tick_interval_seconds", "Configured time between ticks.", s.intervalSeconds());
    out.gauge(
        "sockwatch_scan_interval_seconds",
        "Average time between scans the CPU budget allows at the last scan's cost (at least the"
            + " tick interval).",
        s.scanIntervalSeconds());
    if (s.scans() > 0) {
      out.gauge(SeriesNames.SCAN_SECONDS, "Wall time of the last scan.", s.lastScanSeconds());
      out.gauge(
          "sockwatch_scan_cpu_seconds",
          "CPU time of the last scan, all threads of the agent.",
          s.lastScanCpuSeconds());
    }
    out.counter(
        "sockwatch_agent_cpu_seconds_total",
        "CPU time of the whole agent process since it started.",
        s.cpuSeconds());
    out.gauge("sockwatch_agent_heap_used_bytes", "Java heap in use.", s.heapUsedBytes());
    out.gauge("sockwatch_agent_heap_max_bytes", "Java heap limit.", s.heapMaxBytes());
    HistoryStatus h = s.history();
    out.gauge("sockwatch_history_series", "Series held in the in-memory history.", h.series());
    out.gauge("sockwatch_history_max_series", "Cap on series in the history.", h.maxSeries());
    out.gauge("sockwatch_history_bytes", "Memory of the history's ring buffers.", h.bytes());
    out.gauge("sockwatch_history_max_bytes", "Cap on the history's memory.", h.maxBytes());
    out.counter(
        "sockwatch_history_refused_series_total",
        "New series the history turned away because a cap was hit.",
        h.refusedSeries());
    out.counter(
        "sockwatch_history_evicted_series_total",
        "Stale series dropped from the history to make room.",
        h.evictedSeries());
    out.counter(
        "sockwatch_history_dropped_samples_total",
        "Samples the history ignored (not finite, or not newer than the series' last).",
        h.droppedSamples());
    out.gauge(
        "sockwatch_first_seen_sockets",
        "Sockets whose first-seen time is tracked (for connection age and churn).",
        s.trackedSockets());
    out.gauge(
        "sockwatch_first_seen_bytes", "Memory of the first-seen table.", s.trackedSocketsBytes());
    out.counter(
        "sockwatch_first_seen_refused_sockets_total",
        "New sockets not tracked because the first-seen table was full.",
        s.untrackedSockets());
    out.counter(
        "sockwatch_findings_refused_total",
        "New problems not tracked because the finding tracker was full.",
        s.findingsRefused());
    out.gauge(
        "sockwatch_unavailable_items",
        "Things the last tick could not read (reasons in /api/status).",
        s.unavailable().size());
    ConnectionEventsStatus e = s.connectionEvents();
    out.gauge(
        "sockwatch_connection_events_up",
        "1 while the kernel's connection events are traced, 0 when turned off or unavailable"
            + " (the reason in /api/status).",
        e.state().equals("on") ? 1 : 0);
    out.counter(
        "sockwatch_connection_events_connects_total",
        "Outbound connections seen to end since start, from the kernel's events.",
        e.connects());
    out.counter(
        "sockwatch_connection_events_accepts_total",
        "Inbound connections seen to end since start, from the kernel's events.",
        e.accepts());
    out.counter(
        "sockwatch_connection_events_lost_total",
        "Connection events the kernel's ring or table could not take.",
        e.lost());
    out.gauge(
        "sockwatch_connection_events_kernel_memory_bytes",
        "Kernel memory of the connection tracer's maps and programs.",
        e.kernelMemoryBytes());
    e.coverage()
        .ifPresent(
            c ->
                out.gauge(
                    "sockwatch_connection_events_coverage_ratio",
                    "Connects seen as events per active open the kernel counted, last minute.",
                    c));
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }
}
