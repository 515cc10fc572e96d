package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What the port and TIME_WAIT detectors share: which side opened a connection, how the kernel keys
 * its port space, and how owners are named.
 */
public final class PortSpace {

  /** TCP_TIMEWAIT_LEN: how long Linux keeps TIME_WAIT, fixed at 60 s (not a sysctl). */
  public static final double TIME_WAIT_SECONDS = 60;

  private PortSpace() {}

  /**
   * Local ports some LISTEN socket holds. A connection on such a port was accepted (inbound); any
   * other connection was opened by this node (outbound). A bit set of 64 Ki ports, not a set of
   * boxed integers, because the check runs once per socket.
   */
  public static BitSet listeningPorts(List<SocketRecord> sockets) {
    BitSet ports = new BitSet(65536);
    for (SocketRecord s : sockets) {
      if (s.state() == TcpState.LISTEN) {
        ports.set(s.localPort());
      }
    }
    return ports;
  }

  /**
   * The IPv4 address behind {@code ::ffff:a.b.c.d}, else the address itself: a dual-stack socket
   * talking to an IPv4 peer shares the kernel's IPv4 4-tuple space, so both spellings are one
   * destination.
   */
  public static IpAddress unmapped(IpAddress a) {
    return a.isV4Mapped() ? IpAddress.ofV4((int) a.lo()) : a;
  }

  /** {@code addr:port}, IPv6 bracketed as {@code ss} prints it. */
  public static String endpoint(IpAddress address, int port) {
    StringBuilder sb = new StringBuilder(48);
    SocketRecord.appendEndpoint(sb, address, port);
    return sb.toString();
  }

  /** {@code comm(pid)} of each owner, in pid order. */
  static List<String> names(Collection<ProcessInfo> owners) {
    List<ProcessInfo> sorted = new ArrayList<>(owners);
    sorted.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
    List<String> out = new ArrayList<>(sorted.size());
    for (ProcessInfo p : sorted) {
      out.add(p.comm() + "(" + p.pid() + ")");
    }
    return out;
  }

  /**
   * Whether new-TIME_WAIT rates can be measured: two samples a positive interval apart, from a
   * source that reports socket cookies (the /proc source does not, and without cookies every socket
   * would look new or none would).
   */
  static boolean ratesKnown(DoctorInput input) {
    if (input.before().isEmpty() || input.intervalSeconds() <= 0) {
      return false;
    }
    List<SocketRecord> now = input.after().sockets();
    return !now.isEmpty() && now.getFirst().cookie() != SocketRecord.ABSENT;
  }

  /**
   * A (local address, remote address, remote port) group key. Detectors probe their maps with one
   * mutable instance per pass and store a {@link #copy()} only when a group is new, so grouping a
   * million sockets allocates one key per group, not per socket.
   */
  static final class TupleKey {
    IpAddress local;
    IpAddress remote;
    int port;

    TupleKey set(IpAddress local, IpAddress remote, int port) {
      this.local = local;
      this.remote = remote;
      this.port = port;
      return this;
    }

    TupleKey copy() {
      return new TupleKey().set(local, remote, port);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TupleKey k
          && port == k.port
          && Objects.equals(local, k.local)
          && Objects.equals(remote, k.remote);
    }

    @Override
    public int hashCode() {
      return (Objects.hashCode(local) * 31 + Objects.hashCode(remote)) * 31 + port;
    }
  }
}
