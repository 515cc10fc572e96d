package io.sockwatch.watch;

import io.sockwatch.analysis.PortSpace;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.watch.TickStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Adds up one scan into {@link TickStats}: sockets by state, top processes and destinations. */
final class TickCounter {

  private TickCounter() {}

  /**
   * Adds up {@code snapshot}. {@code newCookies} are the cookies first seen in this scan, in any
   * order; the array is sorted in place.
   */
  static TickStats count(Snapshot snapshot, long[] newCookies, int n) {
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
    List<TickStats.ProcessStat> topProcesses = new ArrayList<>(processes.size());
    processes.values().forEach(c -> topProcesses.add(c.stat()));
    topProcesses.sort(
        Comparator.comparingInt(TickStats.ProcessStat::sockets)
            .reversed()
            .thenComparing(TickStats.ProcessStat::pid));
    List<TickStats.DestinationStat> topDestinations = new ArrayList<>(destinations.size());
    destinations.forEach((k, c) -> topDestinations.add(c.stat(k)));
    topDestinations.sort(
        Comparator.comparingInt(TickStats.DestinationStat::newConnections)
            .thenComparingInt(d -> d.open() + d.timeWait())
            .reversed()
            .thenComparing(TickStats.DestinationStat::destination));
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

    TickStats.ProcessStat stat() {
      return new TickStats.ProcessStat(
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
      if (owners.size() < TickStats.PROCESSES_PER_DESTINATION) {
        owners.addAll(who);
      }
    }

    TickStats.DestinationStat stat(DestinationKey k) {
      List<ProcessInfo> sorted = new ArrayList<>(owners);
      sorted.sort(Comparator.comparingInt(ProcessInfo::pid));
      List<String> names = new ArrayList<>();
      for (ProcessInfo p :
          sorted.subList(0, Math.min(TickStats.PROCESSES_PER_DESTINATION, sorted.size()))) {
        names.add(ProcessLabel.of(p));
      }
      return new TickStats.DestinationStat(
          PortSpace.endpoint(k.address(), k.port()), open, timeWait, fresh, freshTimeWait, names);
    }
  }
}
