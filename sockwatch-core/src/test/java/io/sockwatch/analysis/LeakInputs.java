package io.sockwatch.analysis;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Constructed sockets, node counters and snapshots for detector unit tests. */
final class LeakInputs {
  private LeakInputs() {}

  /** A tcp_info of this kernel's size whose last_ack_recv and last_data_recv are the given age. */
  static TcpInfo tcpInfoAged(long millis) {
    byte[] raw = new byte[280];
    putU32(raw, 52, millis);
    putU32(raw, 56, millis);
    return TcpInfo.copyOf(raw, 0, raw.length);
  }

  private static void putU32(byte[] raw, int off, long v) {
    for (int i = 0; i < 4; i++) {
      raw[off + i] = (byte) (v >>> (8 * i));
    }
  }

  /** A socket builder with IPv4 defaults: nothing queued, no tcp_info, no skmem. */
  static Sock sock(TcpState state, String local, int lport, String remote, int rport) {
    return new Sock(state, local, lport, remote, rport);
  }

  static final class Sock {
    private final TcpState state;
    private final String local;
    private final int lport;
    private final String remote;
    private final int rport;
    private long cookie = SocketRecord.ABSENT;
    private long inode;
    private long rq;
    private long sq;
    private SocketTimer timer = SocketTimer.OFF;
    private TcpInfo info = TcpInfo.NONE;
    private SkMemInfo mem = SkMemInfo.NONE;

    private Sock(TcpState state, String local, int lport, String remote, int rport) {
      this.state = state;
      this.local = local;
      this.lport = lport;
      this.remote = remote;
      this.rport = rport;
    }

    Sock cookie(long c) {
      cookie = c;
      return this;
    }

    Sock inode(long i) {
      inode = i;
      return this;
    }

    Sock recvQ(long q) {
      rq = q;
      return this;
    }

    Sock sendQ(long q) {
      sq = q;
      return this;
    }

    Sock timer(SocketTimer t) {
      timer = t;
      return this;
    }

    Sock agedMillis(long ms) {
      info = tcpInfoAged(ms);
      return this;
    }

    Sock skMem(SkMemInfo m) {
      mem = m;
      return this;
    }

    SocketRecord build() {
      return new SocketRecord(
          AddressFamily.INET,
          state,
          IpAddress.parse(local),
          lport,
          IpAddress.parse(remote),
          rport,
          0,
          cookie,
          timer,
          0,
          0,
          rq,
          sq,
          0,
          inode,
          info,
          mem,
          "");
    }
  }

  /** Node counters builder; absent unless set. */
  static Node node() {
    return new Node();
  }

  static final class Node {
    private final Map<String, Map<String, Long>> sockstat = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> netstat = new LinkedHashMap<>();
    private Optional<TcpMemLimits> tcpMem = Optional.empty();
    private OptionalLong maxOrphans = OptionalLong.empty();

    Node tcp(String field, long value) {
      sockstat.computeIfAbsent("TCP", k -> new LinkedHashMap<>()).put(field, value);
      return this;
    }

    Node tcpExt(String counter, long value) {
      netstat.computeIfAbsent("TcpExt", k -> new LinkedHashMap<>()).put(counter, value);
      return this;
    }

    Node tcpMem(long min, long pressure, long max) {
      tcpMem = Optional.of(new TcpMemLimits(min, pressure, max));
      return this;
    }

    Node maxOrphans(long max) {
      maxOrphans = OptionalLong.of(max);
      return this;
    }

    NodeStats build() {
      return new NodeStats(
          sockstat,
          Map.of(),
          netstat,
          new KernelTunables(
              tcpMem,
              Optional.empty(),
              List.of(),
              maxOrphans,
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(),
              OptionalLong.empty(), OptionalLong.empty()),
          List.of());
    }
  }

  /** A snapshot builder: sockets, who holds them, node counters. */
  static Snap snapshot() {
    return new Snap();
  }

  static final class Snap {
    private final List<SocketRecord> sockets = new ArrayList<>();
    private final Map<Long, List<ProcessInfo>> owners = new HashMap<>();
    private boolean attributed = true;
    private NodeStats node = LeakInputs.node().build();

    /** Adds a socket held by {@code holders} (its inode must be set when there are any). */
    Snap add(SocketRecord s, ProcessInfo... holders) {
      sockets.add(s);
      if (holders.length > 0) {
        owners.put(s.inode(), List.of(holders));
      }
      return this;
    }

    Snap unattributed() {
      attributed = false;
      return this;
    }

    Snap node(NodeStats n) {
      node = n;
      return this;
    }

    Snapshot build() {
      return new Snapshot(
          Instant.EPOCH,
          "netlink",
          sockets,
          SocketOwnersFixture.of(owners),
          attributed,
          Optional.of(node),
          List.of());
    }
  }

  static DoctorInput once(Snapshot now) {
    return new DoctorInput(Optional.empty(), now, 0, DoctorConfig.DEFAULTS);
  }

  static DoctorInput twice(Snapshot before, Snapshot after, double interval) {
    return new DoctorInput(Optional.of(before), after, interval, DoctorConfig.DEFAULTS);
  }

  static DoctorInput with(DoctorInput in, Map<String, Double> overrides) {
    return new DoctorInput(
        in.before(),
        in.after(),
        in.intervalSeconds(),
        new DoctorConfig(overrides, DoctorConfig.DEFAULT_MIDDLEBOX_IDLE_SECONDS, Map.of()));
  }

  /** The value of the evidence with this key; see {@link Inputs#evidence(Finding, String)}. */
  static double evidence(Finding f, String key) {
    return Inputs.evidence(f, key);
  }

  /** The value of the evidence with this key about this member. */
  static double evidence(Finding f, String key, String member) {
    return Inputs.evidence(f, key, member);
  }

  static boolean hasEvidence(Finding f, String key) {
    return Inputs.hasEvidence(f, key);
  }

  static boolean hasEvidence(Finding f, String key, String member) {
    return Inputs.hasEvidence(f, key, member);
  }
}
