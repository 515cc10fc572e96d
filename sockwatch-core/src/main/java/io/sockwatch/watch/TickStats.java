package io.sockwatch.watch;

import io.sockwatch.analysis.PortSpace;
import io.sockwatch.analysis.ProcessLabel;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.process.ProcessInfo;
import io.sockwatch.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  static final int PROCESSES_PER_DESTINATION = 3;

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

  /**
   * Adds up {@code snapshot}. {@code newCookies} are the cookies first seen in this scan, in any
   * order; the array is sorted in place.
   */
  public static TickStats of(Snapshot snapshot, long[] newCookies, int n) {
    Arrays.sort(newCookies);
    List<SocketRecord> all = snapshot.sockets();
    BitSet listening = PortSpace.listeningPorts(all);
    Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
    Map<Integer, ProcessCounter> processes = new HashMap<>();
    Map<DestinationKey, DestinationCounter> destinations = new HashMap<>();
    int fresh = 0;
    int freshTimeWait = 0;
    for (SocketRecord s : all) {
      byState.merge(s.state(), 1, Integer::sum);
      boolean isNew =
          s.cookie() != SocketRecord.ABSENT && Arrays.binarySearch(newCookies, s.cookie()) >= 0;
      if (isNew) {
        fresh++;
        if (s.state() == TcpState.TIME_WAIT) {
          freshTimeWait++;
        }
      }
      List<ProcessInfo> owners = snapshot.ownersOf(s);
      for (ProcessInfo p : owners) {
        processes.computeIfAbsent(p.pid(), k -> new ProcessCounter(p)).add(s, isNew);
      }
      if (s.state() != TcpState.LISTEN && !listening.get(s.localPort())) {
        DestinationKey key =
            new DestinationKey(PortSpace.unmapped(s.remoteAddress()), s.remotePort());
        destinations.computeIfAbsent(key, k -> new DestinationCounter()).add(s, isNew, owners);
      }
    }
    List<ProcessStat> topProcesses = new ArrayList<>(processes.size());
    processes.values().forEach(c -> topProcesses.add(c.stat()));
    topProcesses.sort(
        Comparator.comparingInt(ProcessStat::sockets).reversed().thenComparing(ProcessStat::pid));
    List<DestinationStat> topDestinations = new ArrayList<>(destinations.size());
    destinations.forEach((k, c) -> topDestinations.add(c.stat(k)));
    topDestinations.sort(
        Comparator.comparingInt(DestinationStat::newConnections)
            .thenComparingInt(d -> d.open() + d.timeWait())
            .reversed()
            .thenComparing(DestinationStat::destination));
    return new TickStats(
        all.size(),
        byState,
        fresh,
        freshTimeWait,
        topProcesses.subList(0, Math.min(n, topProcesses.size())),
        topDestinations.subList(0, Math.min(n, topDestinations.size())),
        processes.size(),
        destinations.size());
  }

  /** Sockets in {@code state}, 0 when none. */
  public int count(TcpState state) {
    return byState.getOrDefault(state, 0);
  }

  private record DestinationKey(IpAddress address, int port) {}

  private static final class ProcessCounter {
    private final ProcessInfo info;
    private int sockets;
    private int closeWait;
    private int fresh;

    ProcessCounter(ProcessInfo info) {
      this.info = info;
    }

    void add(SocketRecord s, boolean isNew) {
      sockets++;
      if (s.state() == TcpState.CLOSE_WAIT) {
        closeWait++;
      }
      if (isNew) {
        fresh++;
      }
    }

    ProcessStat stat() {
      return new ProcessStat(
          ProcessLabel.of(info),
          info.pid(),
          sockets,
          closeWait,
          fresh,
          info.openFiles(),
          info.maxOpenFiles(),
          info.containerLabel().orElse(""));
    }
  }

  private static final class DestinationCounter {
    private int open;
    private int timeWait;
    private int fresh;
    private int freshTimeWait;
    private final Set<ProcessInfo> owners = new LinkedHashSet<>();

    void add(SocketRecord s, boolean isNew, List<ProcessInfo> who) {
      if (s.state() == TcpState.TIME_WAIT) {
        timeWait++;
      } else {
        open++;
      }
      if (isNew) {
        fresh++;
        if (s.state() == TcpState.TIME_WAIT) {
          freshTimeWait++;
        }
      }
      if (owners.size() < PROCESSES_PER_DESTINATION) {
        owners.addAll(who);
      }
    }

    DestinationStat stat(DestinationKey k) {
      List<ProcessInfo> sorted = new ArrayList<>(owners);
      sorted.sort(Comparator.comparingInt(ProcessInfo::pid));
      List<String> names = new ArrayList<>();
      for (ProcessInfo p : sorted.subList(0, Math.min(PROCESSES_PER_DESTINATION, sorted.size()))) {
        names.add(ProcessLabel.of(p));
      }
      return new DestinationStat(
          PortSpace.endpoint(k.address(), k.port()), open, timeWait, fresh, freshTimeWait, names);
    }
  }
}
