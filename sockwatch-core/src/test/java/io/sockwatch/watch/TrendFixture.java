package io.sockwatch.watch;

import io.sockwatch.history.History;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongToDoubleFunction;

/** Constructed histories, ticks and inputs for the trend detector tests: no kernel, no clock. */
final class TrendFixture {

  /** An arbitrary epoch second for "now". */
  static final long NOW = 1_800_000_000L;

  final History history = new History(HistoryConfig.DEFAULTS);
  final RecentOpeners openers = new RecentOpeners();

  /** Records {@code value(t)} for every second t in [from, to]. */
  TrendFixture series(SeriesKey key, long from, long to, LongToDoubleFunction value) {
    for (long t = from; t <= to; t++) {
      history.record(key, t, value.applyAsDouble(t));
    }
    return this;
  }

  static NodeStats node(
      Optional<PortRange> ports, OptionalLong maxOrphans, Optional<TcpMemLimits> tcpMem) {
    KernelTunables t =
        new KernelTunables(
            tcpMem,
            ports,
            List.of(),
            maxOrphans,
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());
    return new NodeStats(Map.of(), Map.of(), Map.of(), t, List.of());
  }

  static NodeStats node(PortRange ports) {
    return node(Optional.of(ports), OptionalLong.empty(), Optional.empty());
  }

  static WatchConfig config(int leakWindowSeconds, Map<String, Double> overrides) {
    return new WatchConfig(
        1,
        0.05,
        20,
        leakWindowSeconds,
        2,
        30,
        WatchConfig.AGENT_HISTORY,
        new DoctorConfig(overrides, DoctorConfig.DEFAULT_MIDDLEBOX_IDLE_SECONDS, Map.of()));
  }

  static TickStats stats(
      List<TickStats.ProcessStat> processes, List<TickStats.DestinationStat> destinations) {
    return new TickStats(
        0,
        Map.of(TcpState.ESTABLISHED, 0),
        0,
        0,
        processes,
        destinations,
        processes.size(),
        destinations.size());
  }

  TrendInput input(long now, TickStats stats, NodeStats node, WatchConfig config) {
    return new TrendInput(
        now,
        history,
        Optional.of(stats),
        Optional.empty(),
        node,
        openers,
        config,
        Optional.empty());
  }
}
