package io.sockwatch.model.watch;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.snapshot.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the agent knows after a tick, published whole so that HTTP readers never see a half-updated
 * view. Immutable.
 *
 * @param takenAt the tick's time
 * @param scan the latest socket-table scan; empty before the first one succeeded
 * @param stats totals and top lists of that scan
 * @param node the tick's node counters; empty before the first tick
 * @param open open findings, most severe first
 * @param resolved recently resolved findings, newest first
 * @param status the agent's own numbers
 * @param namespaces socket counts per network namespace of the latest scan, when several were read
 */
public record WatchState(
    Instant takenAt,
    Optional<Snapshot> scan,
    Optional<TickStats> stats,
    Optional<NodeStats> node,
    List<TrackedFinding> open,
    List<TrackedFinding> resolved,
    WatchStatus status,
    NamespaceTallies namespaces) {

  public WatchState {
    open = List.copyOf(open);
    resolved = List.copyOf(resolved);
  }

  /** A state of a single-namespace agent. */
  public WatchState(
      Instant takenAt,
      Optional<Snapshot> scan,
      Optional<TickStats> stats,
      Optional<NodeStats> node,
      List<TrackedFinding> open,
      List<TrackedFinding> resolved,
      WatchStatus status) {
    this(takenAt, scan, stats, node, open, resolved, status, NamespaceTallies.NONE);
  }
}
