package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts a group of sockets by peer. Connections to a local listening port are <em>inbound</em>:
 * their peers are clients on ephemeral ports, so they are counted by client address (and the
 * listening endpoint is remembered); all others are counted by peer address and port, the service
 * the application talks to. Same rule as the snapshot summary, so listings and findings agree.
 * Peers are named unmapped ({@code 127.0.0.1}, not {@code ::ffff:127.0.0.1}): a dual-stack socket
 * to an IPv4 peer is the same peer as an IPv4 socket to it, as the port detectors already count it.
 */
final class PeerTally {

  /** One peer and how many of the group's sockets it has. */
  record Peer(String peer, int sockets) {}

  private final Set<Integer> listenPorts;
  private final Map<String, int[]> peers = new HashMap<>();
  private final Map<String, int[]> locals = new HashMap<>();
  private final StringBuilder sb = new StringBuilder(64);

  /**
   * @param listenPorts local ports with a LISTEN socket, from {@link #listenPorts(List)}
   */
  PeerTally(Set<Integer> listenPorts) {
    this.listenPorts = listenPorts;
  }

  static Set<Integer> listenPorts(List<SocketRecord> sockets) {
    Set<Integer> out = new HashSet<>();
    for (SocketRecord s : sockets) {
      if (s.state() == TcpState.LISTEN) {
        out.add(s.localPort());
      }
    }
    return out;
  }

  void add(SocketRecord s) {
    sb.setLength(0);
    if (listenPorts.contains(s.localPort())) {
      PortSpace.unmapped(s.remoteAddress()).appendTo(sb);
      peers.computeIfAbsent(sb.toString(), k -> new int[1])[0]++;
      sb.setLength(0);
      SocketRecord.appendEndpoint(sb, PortSpace.unmapped(s.localAddress()), s.localPort());
      locals.computeIfAbsent(sb.toString(), k -> new int[1])[0]++;
    } else {
      SocketRecord.appendEndpoint(sb, PortSpace.unmapped(s.remoteAddress()), s.remotePort());
      peers.computeIfAbsent(sb.toString(), k -> new int[1])[0]++;
    }
  }

  /** The peers with the most sockets, most first (ties by name). */
  List<Peer> top(int n) {
    return top(peers, n);
  }

  /** The local listening endpoint of most inbound sockets, or empty when none were inbound. */
  String topLocal() {
    List<Peer> l = top(locals, 1);
    return l.isEmpty() ? "" : l.getFirst().peer();
  }

  /** Number of distinct peers. */
  int size() {
    return peers.size();
  }

  private static List<Peer> top(Map<String, int[]> counts, int n) {
    List<Peer> out = new ArrayList<>(counts.size());
    counts.forEach((k, v) -> out.add(new Peer(k, v[0])));
    out.sort(
        (a, b) ->
            a.sockets() != b.sockets() ? b.sockets() - a.sockets() : a.peer().compareTo(b.peer()));
    return out.subList(0, Math.min(n, out.size()));
  }
}
