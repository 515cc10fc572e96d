package io.sockwatch.model.snapshot;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts that answer "what is there and who has it": by state, by ownership, the top processes, the
 * top outbound destinations and the busiest listening endpoints. Pure function of a {@link
 * Snapshot}.
 *
 * <p>A connection is <em>inbound</em> when its local port is a port some LISTEN socket in the table
 * uses; otherwise it is <em>outbound</em> and grouped by its peer (address, port). This is how a
 * reader tells "clients of my server" from "my connections to others" without the kernel telling
 * it, and it keeps the destination list free of clients' ephemeral ports.
 *
 * @param total sockets counted
 * @param byState counts per state, in kernel order, zero states omitted
 * @param byOwnership counts per ownership class
 * @param topProcesses processes holding the most sockets (a shared socket counts for each holder)
 * @param topDestinations peers of outbound connections with the most sockets
 * @param topListeners local endpoints with the most inbound connections
 */
public record Summary(
    int total,
    Map<TcpState, Integer> byState,
    Map<Ownership, Integer> byOwnership,
    List<Group> topProcesses,
    List<Group> topDestinations,
    List<Group> topListeners) {

  /**
   * One row of a top list.
   *
   * @param key what is counted: {@code comm(pid)} or {@code addr:port}
   * @param total sockets in the group
   * @param byState the group's sockets per state
   */
  public record Group(String key, int total, Map<TcpState, Integer> byState) {}

  public static Summary of(Snapshot snapshot, int topN) {
    Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
    Map<Ownership, Integer> byOwnership = new EnumMap<>(Ownership.class);
    Set<Integer> listenPorts = new HashSet<>();
    for (SocketRecord s : snapshot.sockets()) {
      if (s.state() == TcpState.LISTEN) {
        listenPorts.add(s.localPort());
      }
    }
    Map<String, Counter> processes = new HashMap<>();
    Map<String, Counter> destinations = new HashMap<>();
    Map<String, Counter> listeners = new HashMap<>();
    StringBuilder sb = new StringBuilder(64);
    for (SocketRecord s : snapshot.sockets()) {
      byState.merge(s.state(), 1, Integer::sum);
      byOwnership.merge(snapshot.ownershipOf(s), 1, Integer::sum);
      for (ProcessInfo p : snapshot.ownersOf(s)) {
        processes
            .computeIfAbsent(p.comm() + "(" + p.pid() + ")", k -> new Counter())
            .add(s.state());
      }
      if (s.state() == TcpState.LISTEN) {
        continue;
      }
      sb.setLength(0);
      if (listenPorts.contains(s.localPort())) {
        SocketRecord.appendEndpoint(sb, s.localAddress(), s.localPort());
        listeners.computeIfAbsent(sb.toString(), k -> new Counter()).add(s.state());
      } else {
        IpAddress peer = s.remoteAddress();
        SocketRecord.appendEndpoint(sb, peer, s.remotePort());
        destinations.computeIfAbsent(sb.toString(), k -> new Counter()).add(s.state());
      }
    }
    return new Summary(
        snapshot.sockets().size(),
        byState,
        byOwnership,
        top(processes, topN),
        top(destinations, topN),
        top(listeners, topN));
  }

  private static List<Group> top(Map<String, Counter> groups, int n) {
    List<Group> out = new ArrayList<>(groups.size());
    groups.forEach((k, c) -> out.add(new Group(k, c.total, c.byState)));
    out.sort(Comparator.comparingInt(Group::total).reversed().thenComparing(Group::key));
    return List.copyOf(out.subList(0, Math.min(n, out.size())));
  }

  private static final class Counter {
    int total;
    final Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);

    void add(TcpState state) {
      total++;
      byState.merge(state, 1, Integer::sum);
    }
  }
}
