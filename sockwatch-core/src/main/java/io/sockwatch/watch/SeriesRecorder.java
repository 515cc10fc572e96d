package io.sockwatch.watch;

import static io.sockwatch.model.watch.SeriesNames.node;

import io.sockwatch.history.History;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Writes one tick into the history: node counters every tick, socket-table series when the tick
 * scanned. Counter rates need the previous tick's counters, which this keeps; a counter that went
 * backwards (a namespace recreated, a wrapped 32-bit counter) gives no rate for that tick rather
 * than a negative one. Rates divide by the exact time between the counter reads, and a tick that
 * falls in the same second as the previous one (history keeps one point per second) leaves the
 * previous counters in place, so its increments count in the next rate instead of being lost.
 */
final class SeriesRecorder {

  private NodeStats previousNode;
  private Instant previousNodeAt;

  void recordNode(History history, Instant at, NodeStats node) {
    long second = at.getEpochSecond();
    put(history, node(SeriesNames.TCP_INUSE), second, node.sockstat("TCP", "inuse"));
    put(history, node(SeriesNames.TCP_ORPHANS), second, node.sockstat("TCP", "orphan"));
    put(history, node(SeriesNames.TCP_TIME_WAIT), second, node.sockstat("TCP", "tw"));
    put(history, node(SeriesNames.TCP_MEMORY), second, node.sockstat("TCP", "mem"));
    KernelTunables t = node.tunables();
    t.tcpMem()
        .ifPresent(
            m -> {
              history.record(limit("min"), second, m.minPages());
              history.record(limit("pressure"), second, m.pressurePages());
              history.record(limit("max"), second, m.maxPages());
            });
    put(history, node(SeriesNames.TCP_MAX_ORPHANS), second, t.tcpMaxOrphans());
    put(history, node(SeriesNames.CONNTRACK), second, t.conntrackCount());
    put(history, node(SeriesNames.CONNTRACK_MAX), second, t.conntrackMax());
    t.localPortRange()
        .ifPresent(r -> history.record(node(SeriesNames.PORT_RANGE), second, r.size()));
    if (previousNode != null && second <= previousNodeAt.getEpochSecond()) {
      return; // keep the earlier counters: this tick's increments count in the next rate
    }
    if (previousNode != null) {
      double dt = Duration.between(previousNodeAt, at).toNanos() / 1e9;
      rate(history, SeriesNames.ACTIVE_OPENS, second, dt, node, "ActiveOpens");
      rate(history, SeriesNames.PASSIVE_OPENS, second, dt, node, "PassiveOpens");
    }
    previousNode = node;
    previousNodeAt = at;
  }

  void recordScan(
      History history, long second, TickStats stats, double secondsSincePrevious, double cost) {
    for (TcpState s : TcpState.values()) {
      history.record(SeriesNames.sockets(s), second, stats.count(s));
    }
    history.record(node(SeriesNames.SCAN_SECONDS), second, cost);
    boolean rates = secondsSincePrevious > 0;
    if (rates) {
      history.record(
          node(SeriesNames.NEW_CONNECTIONS), second, stats.newConnections() / secondsSincePrevious);
      history.record(
          node(SeriesNames.NEW_TIME_WAIT), second, stats.newTimeWait() / secondsSincePrevious);
    }
    for (TickStats.ProcessStat p : stats.processes()) {
      history.record(
          SeriesNames.process(SeriesNames.PROCESS_SOCKETS, p.label()), second, p.sockets());
      history.record(
          SeriesNames.process(SeriesNames.PROCESS_CLOSE_WAIT, p.label()), second, p.closeWait());
      if (rates) {
        history.record(
            SeriesNames.process(SeriesNames.PROCESS_NEW, p.label()),
            second,
            p.newConnections() / secondsSincePrevious);
      }
    }
    for (TickStats.DestinationStat d : stats.destinations()) {
      history.record(
          SeriesNames.destination(SeriesNames.DESTINATION_OPEN, d.destination()), second, d.open());
      history.record(
          SeriesNames.destination(SeriesNames.DESTINATION_TIME_WAIT, d.destination()),
          second,
          d.timeWait());
      if (rates) {
        history.record(
            SeriesNames.destination(SeriesNames.DESTINATION_NEW, d.destination()),
            second,
            d.newConnections() / secondsSincePrevious);
        history.record(
            SeriesNames.destination(SeriesNames.DESTINATION_NEW_TIME_WAIT, d.destination()),
            second,
            d.newTimeWait() / secondsSincePrevious);
      }
    }
  }

  private static SeriesKey limit(String level) {
    return SeriesKey.of(SeriesNames.TCP_MEM_LIMIT, "level", level);
  }

  private void rate(
      History history, String name, long second, double dt, NodeStats now, String counter) {
    OptionalLong a = previousNode.snmp("Tcp", counter);
    OptionalLong b = now.snmp("Tcp", counter);
    if (a.isPresent() && b.isPresent() && b.getAsLong() >= a.getAsLong()) {
      history.record(node(name), second, (b.getAsLong() - a.getAsLong()) / dt);
    }
  }

  private static void put(History history, SeriesKey key, long second, OptionalLong v) {
    if (v.isPresent()) {
      history.record(key, second, v.getAsLong());
    }
  }
}
