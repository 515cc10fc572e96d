package io.sockwatch.model.watch;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.TcpState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one socket-table scan adds up to: counts by state, the busiest processes and destinations,
 * and how many connections are new since the previous scan. Only the top {@code n} processes and
 * destinations are kept by name (everything else is in the totals), which is what bounds series and
 * metric cardinality however many peers the node talks to.
 *
 * @param sockets sockets in the scan
 * @param byState sockets per state
 * @param newConnections sockets whose cookie was not in the previous scan (0 on the first scan)
 * @param newTimeWait of those, sockets already in TIME_WAIT: connections that opened and closed
 *     between two scans, invisible to anything that only looks at open sockets
 * @param processes processes with the most sockets, most first
 * @param destinations outbound destinations with the most churn, then sockets, most first
 * @param processCount processes owning at least one socket
 * @param destinationCount distinct outbound destinations
 */
public record TickStats(
    int sockets,
    Map<TcpState, Integer> byState,
    int newConnections,
    int newTimeWait,
    List<ProcessStat> processes,
    List<DestinationStat> destinations,
    int processCount,
    int destinationCount) {

  /** Processes named per destination; more are counted, not named. */
  public static final int PROCESSES_PER_DESTINATION = 3;

  public TickStats {
    byState = Collections.unmodifiableMap(new EnumMap<>(byState));
    processes = List.copyOf(processes);
    destinations = List.copyOf(destinations);
  }

  /**
   * Sockets of one process.
   *
   * @param label {@code comm(pid)}
   * @param pid process id
   * @param sockets TCP sockets it holds
   * @param closeWait of those, in CLOSE_WAIT (the peer closed, the process has not)
   * @param newConnections of those, new since the previous scan
   * @param openFiles its open descriptors, or {@link ProcessInfo#ABSENT}
   * @param maxOpenFiles its RLIMIT_NOFILE soft limit, or {@link ProcessInfo#ABSENT}
   * @param container its container or pod label, or empty
   */
  public record ProcessStat(
      String label,
      int pid,
      int sockets,
      int closeWait,
      int newConnections,
      long openFiles,
      long maxOpenFiles,
      String container) {

    /** A process outside any known container. */
    public ProcessStat(
        String label,
        int pid,
        int sockets,
        int closeWait,
        int newConnections,
        long openFiles,
        long maxOpenFiles) {
      this(label, pid, sockets, closeWait, newConnections, openFiles, maxOpenFiles, "");
    }
  }

  /**
   * Outbound sockets to one destination (connections this node opened).
   *
   * @param destination {@code addr:port}, IPv4-mapped peers unmapped
   * @param open sockets not in TIME_WAIT
   * @param timeWait sockets in TIME_WAIT
   * @param newConnections sockets new since the previous scan, TIME_WAIT included
   * @param newTimeWait of those, sockets already in TIME_WAIT when first seen: connections opened
   *     and closed between two scans, which is what makes churn short-lived
   * @param processes owners of its open sockets, {@code comm(pid)}, at most {@value
   *     #PROCESSES_PER_DESTINATION}
   */
  public record DestinationStat(
      String destination,
      int open,
      int timeWait,
      int newConnections,
      int newTimeWait,
      List<String> processes) {
    public DestinationStat {
      processes = List.copyOf(processes);
    }
  }

  /** Sockets in {@code state}, 0 when none. */
  public int count(TcpState state) {
    return byState.getOrDefault(state, 0);
  }
}
