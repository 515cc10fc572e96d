package io.sockwatch.cli.metrics;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.TickStats.DestinationStat;
import io.sockwatch.model.watch.TickStats.ProcessStat;

/**
 * Metrics of the latest socket-table scan: sockets by state, the top processes and destinations of
 * {@link TickStats} and how many there are in all. Names are those of {@link SeriesNames}, so a
 * metric and its history are one name; processes are labelled {@code pid} and {@code comm} here
 * (the history's {@code process} label is {@code comm(pid)}).
 */
final class SocketMetrics {

  private SocketMetrics() {}

  /**
   * Adds the metrics of {@code stats}. {@code gapSeconds} is the time since the scan before it,
   * over which new connections were counted; with no earlier scan (0) rates are left out.
   */
  static void add(Families out, TickStats stats, double gapSeconds) {
    Families.Gauge states =
        out.gauge(
            SeriesNames.SOCKETS,
            "TCP sockets in the network namespaces read (every one with --netns all), by state.");
    for (TcpState s : TcpState.values()) {
      states.point(stats.count(s), "state", SeriesNames.state(s));
    }
    states.add();
    if (gapSeconds > 0) {
      out.gauge(
          SeriesNames.NEW_CONNECTIONS,
          "Sockets new since the previous scan, per second.",
          stats.newConnections() / gapSeconds);
      out.gauge(
          SeriesNames.NEW_TIME_WAIT,
          "Sockets new since the previous scan and already in TIME_WAIT (connections opened and"
              + " closed between two scans), per second.",
          stats.newTimeWait() / gapSeconds);
    }
    out.gauge(
        "sockwatch_processes",
        "Processes holding at least one TCP socket; the top ones are named in sockwatch_process_*.",
        stats.processCount());
    out.gauge(
        "sockwatch_destinations",
        "Distinct outbound destinations: peers (address:port) of sockets neither LISTEN nor on a"
            + " listening port; the top ones are named in sockwatch_destination_*.",
        stats.destinationCount());
    addProcesses(out, stats, gapSeconds);
    addDestinations(out, stats, gapSeconds);
  }

  private static void addProcesses(Families out, TickStats stats, double gapSeconds) {
    Families.Gauge sockets =
        out.gauge(SeriesNames.PROCESS_SOCKETS, "TCP sockets held by the process (top processes).");
    Families.Gauge closeWait =
        out.gauge(
            SeriesNames.PROCESS_CLOSE_WAIT,
            "Of those, sockets in CLOSE_WAIT: the peer closed, the process has not.");
    Families.Gauge fresh =
        out.gauge(
            SeriesNames.PROCESS_NEW, "Of those, sockets new since the previous scan, per second.");
    Families.Gauge files =
        out.gauge("sockwatch_process_open_files", "Open file descriptors of the process.");
    Families.Gauge limit =
        out.gauge(
            "sockwatch_process_max_open_files",
            "The process's RLIMIT_NOFILE soft limit (left out when unlimited or unreadable).");
    for (ProcessStat p : stats.processes()) {
      String[] labels =
          p.container().isEmpty()
              ? new String[] {"pid", Integer.toString(p.pid()), "comm", comm(p)}
              : new String[] {
                "pid", Integer.toString(p.pid()), "comm", comm(p), "container", p.container()
              };
      sockets.point(p.sockets(), labels);
      closeWait.point(p.closeWait(), labels);
      if (gapSeconds > 0) {
        fresh.point(p.newConnections() / gapSeconds, labels);
      }
      if (p.openFiles() != ProcessInfo.ABSENT) {
        files.point(p.openFiles(), labels);
      }
      if (p.maxOpenFiles() != ProcessInfo.ABSENT) {
        limit.point(p.maxOpenFiles(), labels);
      }
    }
    sockets.add();
    closeWait.add();
    fresh.add();
    files.add();
    limit.add();
  }

  private static void addDestinations(Families out, TickStats stats, double gapSeconds) {
    Families.Gauge open =
        out.gauge(
            SeriesNames.DESTINATION_OPEN,
            "Outbound sockets to the destination not in TIME_WAIT (top destinations).");
    Families.Gauge timeWait =
        out.gauge(
            SeriesNames.DESTINATION_TIME_WAIT, "Outbound sockets to the destination in TIME_WAIT.");
    Families.Gauge fresh =
        out.gauge(
            SeriesNames.DESTINATION_NEW,
            "Connections to the destination new since the previous scan, per second.");
    Families.Gauge freshTimeWait =
        out.gauge(
            SeriesNames.DESTINATION_NEW_TIME_WAIT,
            "Of those, already in TIME_WAIT when first seen (opened and closed between scans), per"
                + " second.");
    for (DestinationStat d : stats.destinations()) {
      open.point(d.open(), "destination", d.destination());
      timeWait.point(d.timeWait(), "destination", d.destination());
      if (gapSeconds > 0) {
        fresh.point(d.newConnections() / gapSeconds, "destination", d.destination());
        freshTimeWait.point(d.newTimeWait() / gapSeconds, "destination", d.destination());
      }
    }
    open.add();
    timeWait.add();
    fresh.add();
    freshTimeWait.add();
  }

  /** The command name: the process label is {@code comm(pid)}. */
  static String comm(ProcessStat p) {
    String suffix = "(" + p.pid() + ")";
    String label = p.label();
    return label.endsWith(suffix) ? label.substring(0, label.length() - suffix.length()) : label;
  }
}
