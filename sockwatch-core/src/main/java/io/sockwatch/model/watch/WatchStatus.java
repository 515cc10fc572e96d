package io.sockwatch.model.watch;

import io.sockwatch.model.Unavailable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The agent's account of itself for {@code /api/status} and self-metrics: what it costs and what it
 * could not do.
 *
 * @param startedAt when sampling started
 * @param ticks ticks so far
 * @param scans socket-table scans so far
 * @param intervalSeconds configured tick interval
 * @param scanIntervalSeconds average seconds between scans the CPU budget allows at the last scan's
 *     cost (at least the tick interval)
 * @param lastScanSeconds wall time of the last scan
 * @param lastScanCpuSeconds CPU time of the last scan, all threads of the process
 * @param lastScanGapSeconds time between the last scan and the one before it, the window over which
 *     {@link TickStats} counts new connections (turns them into rates); 0 until two scans were made
 * @param cpuSeconds CPU time of the whole agent process since it started
 * @param heapUsedBytes heap in use after the last tick
 * @param heapMaxBytes the heap limit
 * @param history series and bytes held, and what the caps refused
 * @param trackedSockets sockets whose first-seen time is kept
 * @param trackedSocketsBytes memory of that table
 * @param untrackedSockets new sockets refused because the first-seen table was full
 * @param findingsRefused new problems not tracked because the tracker was full
 * @param lastError why the last scan failed, if it did
 * @param unavailable what the last tick could not read, with reasons
 * @param connectionEvents the connection tracer's state and counts
 */
public record WatchStatus(
    Instant startedAt,
    long ticks,
    long scans,
    double intervalSeconds,
    double scanIntervalSeconds,
    double lastScanSeconds,
    double lastScanCpuSeconds,
    double lastScanGapSeconds,
    double cpuSeconds,
    long heapUsedBytes,
    long heapMaxBytes,
    HistoryStatus history,
    int trackedSockets,
    long trackedSocketsBytes,
    long untrackedSockets,
    long findingsRefused,
    Optional<String> lastError,
    List<Unavailable> unavailable,
    ConnectionEventsStatus connectionEvents) {

  public WatchStatus {
    unavailable = List.copyOf(unavailable);
  }
}
