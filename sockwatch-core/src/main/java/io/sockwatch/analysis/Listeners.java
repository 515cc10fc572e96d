package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The LISTEN sockets of a snapshot by port, to find the listener a local endpoint belongs to: the
 * one bound to exactly that address, else one bound to the any-address.
 */
final class Listeners {
  private final Map<Integer, List<SocketRecord>> byPort = new HashMap<>();

  Listeners(Snapshot snapshot) {
    for (SocketRecord s : snapshot.sockets()) {
      if (s.state() == TcpState.LISTEN) {
        byPort.computeIfAbsent(s.localPort(), p -> new ArrayList<>()).add(s);
      }
    }
  }

  /** The listener that receives connections to {@code address:port}, or null. */
  SocketRecord find(IpAddress address, int port) {
    SocketRecord wildcard = null;
    for (SocketRecord l : byPort.getOrDefault(port, List.of())) {
      if (l.localAddress().equals(address)) {
        return l;
      }
      if (l.localAddress().isAny() && wildcard == null) {
        wildcard = l;
      }
    }
    return wildcard;
  }

  /** Whether the listener's accept queue is over its backlog (the kernel then drops SYNs). */
  static boolean queueFull(SocketRecord listener) {
    return listener.sendQueue() != SocketRecord.ABSENT
        && listener.receiveQueue() > listener.sendQueue();
  }
}
