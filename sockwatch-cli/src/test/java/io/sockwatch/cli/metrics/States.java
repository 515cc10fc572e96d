package io.sockwatch.cli.metrics;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Agent states built by hand, for testing what {@link AgentMetrics} makes of each part. */
final class States {

  static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-22T10:05:00.250Z");

  private States() {}

  /** A tick with nothing known but the agent's own numbers: before any scan, empty /proc. */
  static WatchState bare() {
    return new WatchState(
        NOW,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of(),
        status(0, 0));
  }

  /** A tick with a scan ({@code gapSeconds} after the previous one), node counters and findings. */
  static WatchState full(TickStats stats, double gapSeconds, List<TrackedFinding> open) {
    return new WatchState(
        NOW,
        Optional.empty(),
        Optional.of(stats),
        Optional.of(node()),
        open,
        List.of(),
        status(gapSeconds > 0 ? 150 : 1, gapSeconds));
  }

  static WatchStatus status(long scans, double gapSeconds) {
    return new WatchStatus(
        START,
        300,
        scans,
        1,
        2,
        0.04,
        0.03,
        gapSeconds,
        12.5,
        40L << 20,
        256L << 20,
        new HistoryStatus(120, 740, 9_000_000, 64L << 20, 3, 1, 7),
        5000,
        160_000,
        11,
        2,
        Optional.empty(),
        List.of(new Unavailable("tcp_info", "old kernel")),
        io.sockwatch.model.watch.ConnectionEventsStatus.OFF);
  }

  /** Counts per state, {@code processes} processes and {@code destinations} destinations. */
  static TickStats stats(Map<TcpState, Integer> byState, int processes, int destinations) {
    List<TickStats.ProcessStat> ps = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      int pid = 1000 + i;
      ps.add(new TickStats.ProcessStat("app(" + pid + ")", pid, 10, 1, 4, 50, 1024));
    }
    List<TickStats.DestinationStat> ds = new ArrayList<>();
    for (int i = 0; i < destinations; i++) {
      ds.add(
          new TickStats.DestinationStat(
              "10.1." + (i / 250) + "." + (i % 250 + 1) + ":443",
              3,
              2,
              6,
              2,
              List.of("app(1000)")));
    }
    int sockets = byState.values().stream().mapToInt(Integer::intValue).sum();
    return new TickStats(sockets, byState, 20, 8, ps, ds, processes + 5, destinations + 7);
  }

  static TickStats.ProcessStat process(String comm, int pid, long openFiles, long maxOpenFiles) {
    return new TickStats.ProcessStat(comm + "(" + pid + ")", pid, 7, 2, 3, openFiles, maxOpenFiles);
  }

  /** Node counters as a 6.x kernel reports them, conntrack loaded. */
  static NodeStats node() {
    return new NodeStats(
        Map.of(
            "TCP", Map.of("inuse", 15L, "orphan", 1L, "tw", 5L, "alloc", 32L, "mem", 50L),
            "TCP6", Map.of("inuse", 17L)),
        Map.of("Tcp", Map.of("ActiveOpens", 3636026L, "PassiveOpens", 12L, "RetransSegs", 9730L)),
        Map.of("TcpExt", Map.of("ListenOverflows", 4L, "TCPAbortOnData", 1790454L)),
        new KernelTunables(
            Optional.of(new TcpMemLimits(287901, 383869, 575802)),
            Optional.of(new PortRange(32768, 60999)),
            List.of(),
            OptionalLong.of(131072),
            OptionalLong.of(7200),
            OptionalLong.of(75),
            OptionalLong.of(9),
            OptionalLong.of(60),
            OptionalLong.of(2),
            OptionalLong.of(12),
            OptionalLong.of(262144),
            OptionalLong.of(262144), OptionalLong.empty()),
        List.of());
  }

  /** A node whose /proc said nothing: no counters, no sysctls. */
  static NodeStats emptyNode() {
    OptionalLong none = OptionalLong.empty();
    return new NodeStats(
        Map.of(),
        Map.of(),
        Map.of(),
        new KernelTunables(
            Optional.empty(),
            Optional.empty(),
            List.of(),
            none,
            none,
            none,
            none,
            none,
            none,
            none,
            none,
            none, OptionalLong.empty()),
        List.of(new Unavailable("/proc/net/sockstat", "not readable")));
  }

  static TrackedFinding finding(String detector, String key, Severity severity) {
    Finding f =
        new Finding(
            detector,
            key,
            severity,
            "something about " + key,
            Subject.NODE,
            List.of(),
            Optional.empty(),
            "fix it");
    return new TrackedFinding(f, START, NOW, Optional.empty());
  }
}
