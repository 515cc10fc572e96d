package io.sockwatch.model.snapshot;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One consistent-enough moment of a network namespace: the (filtered) sockets, who holds them, the
 * node counters if asked for, and everything that could not be read.
 *
 * @param takenAt when the socket table was read
 * @param source the socket-table source that produced the rows ({@code netlink} or {@code proc})
 * @param sockets sockets that passed the filter
 * @param owners socket inode to owning processes; {@link SocketOwners#EMPTY} when not attributed
 * @param attributed whether process attribution ran
 * @param node node counters, when requested
 * @param unavailable everything that could not be read, from every part, with reasons
 */
public record Snapshot(
    Instant takenAt,
    String source,
    List<SocketRecord> sockets,
    SocketOwners owners,
    boolean attributed,
    Optional<NodeStats> node,
    List<Unavailable> unavailable) {

  public Snapshot {
    sockets = List.copyOf(sockets);
    unavailable = List.copyOf(unavailable);
  }

  /** This snapshot with one more thing that could not be read. */
  public Snapshot withUnavailable(Unavailable more) {
    List<Unavailable> all = new ArrayList<>(unavailable);
    all.add(more);
    return new Snapshot(takenAt, source, sockets, owners, attributed, node, all);
  }

  /** Its sockets counted by state, states with none left out. */
  public Map<TcpState, Integer> countsByState() {
    Map<TcpState, Integer> out = new EnumMap<>(TcpState.class);
    for (SocketRecord s : sockets) {
      out.merge(s.state(), 1, Integer::sum);
    }
    return out;
  }

  public List<ProcessInfo> ownersOf(SocketRecord socket) {
    return socket.inode() == 0 ? List.of() : owners.ownersOf(socket.inode());
  }

  public Ownership ownershipOf(SocketRecord socket) {
    return Ownership.of(socket, !ownersOf(socket).isEmpty(), attributed);
  }
}
