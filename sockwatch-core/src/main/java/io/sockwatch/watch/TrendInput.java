package io.sockwatch.watch;

import io.sockwatch.history.History;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import java.util.Optional;

/**
 * What trend detectors see. The history is read-only for them (they run on the sampler thread,
 * between writes).
 *
 * @param nowSecond epoch second of this tick
 * @param history every recorded series ({@link SeriesNames})
 * @param stats the latest scan's totals and top lists; empty before the first scan
 * @param scan the latest scan itself (sockets and owners); empty before the first scan
 * @param node this tick's node counters
 * @param openers processes recently seen opening connections to each destination (churn is
 *     attributed through them: TIME_WAIT has no owner)
 * @param config the agent's configuration
 * @param activity the kernel's connection events of the last minute of scans merged ({@link
 *     FlowHorizon}), when traced; empty when the latest scan had none
 */
public record TrendInput(
    long nowSecond,
    History history,
    Optional<TickStats> stats,
    Optional<Snapshot> scan,
    NodeStats node,
    RecentOpeners openers,
    WatchConfig config,
    Optional<ConnectionActivity> activity) {}
