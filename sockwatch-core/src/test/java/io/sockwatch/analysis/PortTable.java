package io.sockwatch.analysis;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A made-up socket table for the port and TIME_WAIT detector tests: listeners, owned connections
 * and TIME_WAIT sockets of a chosen age, some of them new since an earlier sample.
 */
final class PortTable {

  private record Row(SocketRecord socket, boolean fresh) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<Long, ProcessInfo> owners = new HashMap<>();
  private long nextCookie = 1;
  private long nextInode = 1000;

  PortTable listen(String address, int port, ProcessInfo owner) {
    add(TcpState.LISTEN, address, port, address.contains(":") ? "::" : "0.0.0.0", 0, owner);
    return this;
  }

  /** An open connection (any non-TIME_WAIT state) held by {@code owner} (null: none found). */
  PortTable open(
      TcpState state,
      String local,
      int localPort,
      String remote,
      int remotePort,
      ProcessInfo owner) {
    add(state, local, localPort, remote, remotePort, owner);
    return this;
  }

  /** {@code n} ESTABLISHED connections from consecutive local ports, held by {@code owner}. */
  PortTable established(
      int n, String local, int firstPort, String remote, int remotePort, ProcessInfo owner) {
    for (int i = 0; i < n; i++) {
      open(TcpState.ESTABLISHED, local, firstPort + i, remote, remotePort, owner);
    }
    return this;
  }

  /**
   * {@code n} TIME_WAIT sockets from consecutive local ports, {@code ageMillis} into their 60 s;
   * {@code fresh} ones are absent from {@link #before}.
   */
  PortTable timeWait(
      int n,
      String local,
      int firstPort,
      String remote,
      int remotePort,
      long ageMillis,
      boolean fresh) {
    for (int i = 0; i < n; i++) {
      SocketRecord s =
          record(
              TcpState.TIME_WAIT,
              local,
              firstPort + i,
              remote,
              remotePort,
              0,
              SocketTimer.TIME_WAIT,
              60_000 - ageMillis);
      rows.add(new Row(s, fresh));
    }
    return this;
  }

  private void add(
      TcpState state,
      String local,
      int localPort,
      String remote,
      int remotePort,
      ProcessInfo owner) {
    long inode = nextInode++;
    rows.add(
        new Row(
            record(state, local, localPort, remote, remotePort, inode, SocketTimer.OFF, 0), false));
    if (owner != null) {
      owners.put(inode, owner);
    }
  }

  private SocketRecord record(
      TcpState state,
      String local,
      int localPort,
      String remote,
      int remotePort,
      long inode,
      SocketTimer timer,
      long expires) {
    IpAddress l = IpAddress.parse(local);
    return new SocketRecord(
        l.v6() ? AddressFamily.INET6 : AddressFamily.INET,
        state,
        l,
        localPort,
        IpAddress.parse(remote),
        remotePort,
        0,
        nextCookie++,
        timer,
        0,
        expires,
        0,
        0,
        inode == 0 ? SocketRecord.ABSENT : 0,
        inode,
        TcpInfo.NONE,
        SkMemInfo.NONE,
        "");
  }

  /** The table as the current sample. */
  Snapshot after(NodeStats node) {
    return snapshot(rows.stream().map(Row::socket).toList(), node);
  }

  /** The table without its fresh TIME_WAIT, as the earlier sample. */
  Snapshot before(NodeStats node) {
    return snapshot(rows.stream().filter(r -> !r.fresh()).map(Row::socket).toList(), node);
  }

  private Snapshot snapshot(List<SocketRecord> sockets, NodeStats node) {
    return new Snapshot(
        Instant.EPOCH,
        "netlink",
        sockets,
        SocketOwnersFixture.single(owners),
        true,
        Optional.of(node),
        List.of());
  }

  /** A single-sample doctor input. */
  DoctorInput once(NodeStats node, DoctorConfig config) {
    return new DoctorInput(Optional.empty(), after(node), 0, config);
  }

  /** A two-sample doctor input {@code seconds} apart. */
  DoctorInput twice(NodeStats before, NodeStats after, double seconds, DoctorConfig config) {
    return new DoctorInput(Optional.of(before(before)), after(after), seconds, config);
  }

  static KernelTunables tunables(
      PortRange range, List<PortRange> reserved, long twReuse, long maxTwBuckets) {
    return new KernelTunables(
        Optional.empty(),
        Optional.ofNullable(range),
        reserved,
        OptionalLong.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        twReuse < 0 ? OptionalLong.empty() : OptionalLong.of(twReuse),
        OptionalLong.empty(),
        OptionalLong.empty(),
        maxTwBuckets < 0 ? OptionalLong.empty() : OptionalLong.of(maxTwBuckets), OptionalLong.empty());
  }

  /** Node counters: sockstat's TCP tw and the given TcpExt counters. */
  static NodeStats node(KernelTunables tunables, long sockstatTw, Map<String, Long> tcpExt) {
    return new NodeStats(
        Map.of("TCP", Map.of("tw", sockstatTw)),
        Map.of(),
        Map.of("TcpExt", tcpExt),
        tunables,
        List.of());
  }

  static NodeStats node(KernelTunables tunables) {
    return node(tunables, 0, Map.of());
  }
}
