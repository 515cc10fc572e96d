package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * Names connections the way connection findings report them: who holds them ({@code comm(pid)}) and
 * which way they go. A connection whose local port is a port some LISTEN socket uses is
 * <em>inbound</em> (a client of this node's server) and is grouped by that local endpoint, since
 * its peers' ports are ephemeral and would make one group per connection; any other connection is
 * <em>outbound</em> and grouped by its peer endpoint. This is the same rule {@link
 * io.sockwatch.model.snapshot.Summary} uses, so findings and listings agree.
 */
final class Connections {

  /**
   * Where a group of connections goes, as a finding's subject states it.
   *
   * @param processes holders as {@code comm(pid)}, ascending pid; empty when none was found
   * @param inbound whether these are clients of a local listener
   * @param endpoint the peer endpoint (outbound) or the local listening endpoint (inbound)
   */
  record GroupKey(List<String> processes, boolean inbound, String endpoint) {

    /** Stable text for {@link Finding#key()}. */
    String findingKey() {
      String who = processes.isEmpty() ? "unknown" : String.join("+", processes);
      return who + (inbound ? "@" : "->") + endpoint;
    }

    /** "java(12)" or "an unknown process". */
    String who() {
      return processes.isEmpty() ? "an unknown process" : String.join(", ", processes);
    }
  }

  private final Snapshot snapshot;
  private final BitSet listenPorts = new BitSet(65536);

  Connections(Snapshot snapshot) {
    this.snapshot = snapshot;
    for (SocketRecord s : snapshot.sockets()) {
      if (s.state() == TcpState.LISTEN) {
        listenPorts.set(s.localPort());
      }
    }
  }

  /** Whether the connection's local port is a listening port of this node. */
  boolean inbound(SocketRecord s) {
    return listenPorts.get(s.localPort());
  }

  GroupKey keyOf(SocketRecord s) {
    boolean in = inbound(s);
    return new GroupKey(
        processes(s),
        in,
        in
            ? endpoint(s.localAddress(), s.localPort())
            : endpoint(s.remoteAddress(), s.remotePort()));
  }

  /** The socket's holders as {@code comm(pid)}, ascending pid; empty when none was found. */
  List<String> processes(SocketRecord s) {
    List<ProcessInfo> owners = snapshot.ownersOf(s);
    List<String> out = new ArrayList<>(owners.size());
    for (ProcessInfo p : owners) {
      out.add(p.comm() + "(" + p.pid() + ")");
    }
    return out;
  }

  /** Subject of a group: an outbound group's peer, or an inbound group's listener and peers. */
  static Subject subject(GroupKey key, Peers peers) {
    return key.inbound()
        ? new Subject(key.processes(), peers.describe(), key.endpoint(), "")
        : new Subject(key.processes(), key.endpoint(), "", "");
  }

  /** "from java(12) to 10.0.0.7:5432" or "of java(12) on 0.0.0.0:8080 with 10.0.0.9:40112". */
  static String phrase(GroupKey key, Peers peers) {
    return key.inbound()
        ? "of " + key.who() + " on " + key.endpoint() + " with " + peers.describe()
        : "from " + key.who() + " to " + key.endpoint();
  }

  static String endpoint(IpAddress address, int port) {
    StringBuilder sb = new StringBuilder(24);
    SocketRecord.appendEndpoint(sb, address, port);
    return sb.toString();
  }

  /**
   * Distinct peers of a group, for the subject of an inbound group: all of them when few, else the
   * first three (sorted) and how many more.
   */
  static final class Peers {
    private static final int SHOWN = 3;
    private final TreeSet<String> names = new TreeSet<>();

    void add(SocketRecord s) {
      names.add(endpoint(s.remoteAddress(), s.remotePort()));
    }

    int size() {
      return names.size();
    }

    String describe() {
      if (names.size() <= SHOWN) {
        return String.join(", ", names);
      }
      List<String> first = new ArrayList<>(names).subList(0, SHOWN);
      return String.join(", ", first) + " and " + (names.size() - SHOWN) + " more";
    }
  }
}
