package io.sockwatch.cli.output;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.Summary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * Writes a snapshot as JSON, schema {@value #SCHEMA}, documented in {@code docs/snapshot-json.md}.
 * Fields the kernel did not report are omitted rather than written as zero, and the reason appears
 * under {@code unavailable}.
 */
public final class SnapshotJsonWriter {

  public static final String SCHEMA = "sockwatch.snapshot/v1";

  private SnapshotJsonWriter() {}

  public static void write(JsonWriter w, Snapshot snap, Summary summary) {
    write(w, snap, summary, true, s -> -1);
  }

  /**
   * A scan of one or several namespaces. With several, each socket carries its {@code netns} inode
   * and {@code namespaces} describes each one with its own counters; the top-level {@code node} is
   * the host's view.
   */
  public static void write(JsonWriter w, NodeScan scan, Summary summary) {
    write(
        w,
        scan.merged(),
        summary,
        true,
        s -> -1,
        scan.perNamespace() ? scan.namespaces() : List.of());
  }

  /**
   * The document, with or without the per-socket listing: the agent's {@code /api/snapshot} leaves
   * it out unless asked, since at 100k sockets it is tens of megabytes.
   */
  public static void write(
      JsonWriter w,
      Snapshot snap,
      Summary summary,
      boolean withSockets,
      ToLongFunction<SocketRecord> firstSeen) {
    write(w, snap, summary, withSockets, firstSeen, List.of());
  }

  private static void write(
      JsonWriter w,
      Snapshot snap,
      Summary summary,
      boolean withSockets,
      ToLongFunction<SocketRecord> firstSeen,
      List<NamespaceSnapshot> namespaces) {
    w.beginObject();
    w.field("schema", SCHEMA);
    w.field("taken_at", snap.takenAt().toString());
    w.field("source", snap.source());
    w.field("attributed", snap.attributed());
    w.field("socket_count", snap.sockets().size());
    Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    if (withSockets) {
      w.name("sockets").beginArray();
      if (namespaces.isEmpty()) {
        for (SocketRecord s : snap.sockets()) {
          writeSocket(w, snap, s, processes, firstSeen.applyAsLong(s), 0);
        }
      } else {
        for (NamespaceSnapshot ns : namespaces) {
          for (SocketRecord s : ns.snapshot().sockets()) {
            writeSocket(w, snap, s, processes, firstSeen.applyAsLong(s), ns.namespace().inode());
          }
        }
      }
      w.endArray();
    }
    if (withSockets && snap.attributed()) {
      w.name("processes").beginObject();
      for (ProcessInfo p : processes.values()) {
        w.name(Integer.toString(p.pid())).beginObject();
        w.field("comm", p.comm());
        w.field("cmdline", p.cmdline());
        p.containerLabel().ifPresent(c -> w.field("container", c));
        w.endObject();
      }
      w.endObject();
    }
    if (summary != null) {
      w.name("summary");
      writeSummary(w, summary);
    }
    snap.node().ifPresent(n -> writeNode(w.name("node"), n));
    if (!namespaces.isEmpty()) {
      w.name("namespaces").beginArray();
      for (NamespaceSnapshot ns : namespaces) {
        writeNamespace(w, ns);
      }
      w.endArray();
    }
    w.name("unavailable").beginArray();
    for (Unavailable u : snap.unavailable()) {
      w.beginObject().field("item", u.item()).field("reason", u.reason()).endObject();
    }
    w.endArray();
    w.endObject();
  }

  private static void writeNamespace(JsonWriter w, NamespaceSnapshot ns) {
    NetworkNamespace n = ns.namespace();
    w.beginObject();
    w.field("inode", n.inode());
    w.field("label", n.label());
    w.field("host", n.host());
    w.name("names").beginArray();
    n.names().forEach(w::value);
    w.endArray();
    w.field("process_count", n.processCount());
    w.name("pids").beginArray();
    n.pids().forEach(w::value);
    w.endArray();
    w.name("containers").beginArray();
    ns.containers(Placement.MAX_CONTAINERS).forEach(w::value);
    w.endArray();
    w.field("socket_count", ns.snapshot().sockets().size());
    w.name("states").beginObject();
    ns.snapshot().countsByState().forEach((k, v) -> w.field(k.name(), v));
    w.endObject();
    ns.snapshot().node().ifPresent(node -> writeNode(w.name("node"), node));
    w.endObject();
  }

  private static void writeSocket(
      JsonWriter w,
      Snapshot snap,
      SocketRecord s,
      Map<Integer, ProcessInfo> processes,
      long firstSeen,
      long netns) {
    w.beginObject();
    if (netns != 0) {
      w.field("netns", netns);
    }
    w.field("family", s.family().name().toLowerCase(java.util.Locale.ROOT));
    w.field("state", s.state().name());
    w.name("local")
        .beginObject()
        .field("address", s.localAddress().toString())
        .field("port", s.localPort())
        .endObject();
    w.name("remote")
        .beginObject()
        .field("address", s.remoteAddress().toString())
        .field("port", s.remotePort())
        .endObject();
    optional(w, "first_seen", firstSeen);
    optional(w, "recv_q", s.receiveQueue());
    optional(w, "send_q", s.sendQueue());
    if (s.timer() != SocketTimer.OFF) {
      w.name("timer").beginObject();
      w.field("kind", s.timer().ssName());
      w.field("expires_ms", s.timerExpiresMillis());
      w.field("retransmits", s.timerRetransmits());
      w.endObject();
    }
    if (s.uid() != SocketRecord.ABSENT) {
      w.field("uid", s.uid());
    }
    w.field("inode", s.inode());
    if (s.cookie() != SocketRecord.ABSENT) {
      w.field("cookie", s.cookie());
    }
    if (s.interfaceIndex() != 0) {
      w.field("interface", s.interfaceIndex());
    }
    w.field("ownership", snap.ownershipOf(s).label());
    List<ProcessInfo> owners = snap.ownersOf(s);
    if (!owners.isEmpty()) {
      w.name("pids").beginArray();
      for (ProcessInfo p : owners) {
        w.value(p.pid());
        processes.putIfAbsent(p.pid(), p);
      }
      w.endArray();
    }
    if (s.tcpInfo().isPresent()) {
      writeTcpInfo(w, s.tcpInfo());
    }
    if (s.skMem().isPresent()) {
      writeSkMem(w, s.skMem());
    }
    if (!s.congestion().isEmpty()) {
      w.field("congestion", s.congestion());
    }
    w.endObject();
  }

  private static void writeTcpInfo(JsonWriter w, TcpInfo info) {
    w.name("tcp_info").beginObject();
    w.field("length", info.length());
    for (TcpInfoField f : TcpInfoField.values()) {
      long v = info.get(f);
      if (v != TcpInfo.ABSENT) {
        w.field(f.jsonName(), v);
      }
    }
    w.endObject();
  }

  private static void writeSkMem(JsonWriter w, SkMemInfo m) {
    w.name("skmem").beginObject();
    optional(w, "rmem_alloc", m.rmemAlloc());
    optional(w, "rcvbuf", m.rcvBuf());
    optional(w, "wmem_alloc", m.wmemAlloc());
    optional(w, "sndbuf", m.sndBuf());
    optional(w, "fwd_alloc", m.fwdAlloc());
    optional(w, "wmem_queued", m.wmemQueued());
    optional(w, "optmem", m.optMem());
    optional(w, "backlog", m.backlog());
    optional(w, "drops", m.drops());
    w.endObject();
  }

  private static void optional(JsonWriter w, String name, long v) {
    if (v != TcpInfo.ABSENT) {
      w.field(name, v);
    }
  }

  static void writeSummary(JsonWriter w, Summary s) {
    w.beginObject();
    w.field("total", s.total());
    w.name("by_state").beginObject();
    s.byState().forEach((k, v) -> w.field(k.name(), v));
    w.endObject();
    w.name("by_ownership").beginObject();
    s.byOwnership().forEach((k, v) -> w.field(k.label(), v));
    w.endObject();
    groups(w, "top_processes", s.topProcesses());
    groups(w, "top_destinations", s.topDestinations());
    groups(w, "top_listeners", s.topListeners());
    w.endObject();
  }

  private static void groups(JsonWriter w, String name, List<Summary.Group> groups) {
    w.name(name).beginArray();
    for (Summary.Group g : groups) {
      w.beginObject().field("key", g.key()).field("total", g.total());
      w.name("by_state").beginObject();
      for (Map.Entry<TcpState, Integer> e : g.byState().entrySet()) {
        w.field(e.getKey().name(), e.getValue());
      }
      w.endObject().endObject();
    }
    w.endArray();
  }

  private static void writeNode(JsonWriter w, NodeStats n) {
    w.beginObject();
    counters(w, "sockstat", n.sockstat());
    counters(w, "snmp", n.snmp());
    counters(w, "netstat", n.netstat());
    KernelTunables t = n.tunables();
    w.name("sysctl").beginObject();
    t.tcpMem()
        .ifPresent(
            m ->
                w.name("tcp_mem")
                    .beginObject()
                    .field("min_pages", m.minPages())
                    .field("pressure_pages", m.pressurePages())
                    .field("max_pages", m.maxPages())
                    .endObject());
    t.localPortRange()
        .ifPresent(
            r ->
                w.name("ip_local_port_range")
                    .beginObject()
                    .field("low", r.low())
                    .field("high", r.high())
                    .endObject());
    w.name("ip_local_reserved_ports").beginArray();
    for (PortRange r : t.reservedPorts()) {
      w.beginObject().field("low", r.low()).field("high", r.high()).endObject();
    }
    w.endArray();
    optional(w, "tcp_max_orphans", t.tcpMaxOrphans());
    optional(w, "tcp_keepalive_time", t.keepaliveTimeSeconds());
    optional(w, "tcp_keepalive_intvl", t.keepaliveIntervalSeconds());
    optional(w, "tcp_keepalive_probes", t.keepaliveProbes());
    optional(w, "tcp_fin_timeout", t.finTimeoutSeconds());
    optional(w, "tcp_tw_reuse", t.twReuse());
    optional(w, "nf_conntrack_count", t.conntrackCount());
    optional(w, "nf_conntrack_max", t.conntrackMax());
    w.endObject();
    w.endObject();
  }

  private static void optional(JsonWriter w, String name, OptionalLong v) {
    if (v.isPresent()) {
      w.field(name, v.getAsLong());
    }
  }

  private static void counters(JsonWriter w, String name, Map<String, Map<String, Long>> m) {
    w.name(name).beginObject();
    m.forEach(
        (section, fields) -> {
          w.name(section).beginObject();
          fields.forEach(w::field);
          w.endObject();
        });
    w.endObject();
  }
}
