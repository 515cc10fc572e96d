package io.sockwatch.analysis;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Ownership;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * TCP memory: {@code /proc/net/sockstat} {@code TCP ... mem} against {@code net.ipv4.tcp_mem}, both
 * in pages and both node-wide (every network namespace draws on one pool). Above {@code pressure}
 * the kernel shrinks socket buffers and stops growing them (throughput drops for every connection);
 * at {@code max} it refuses buffer memory, drops incoming segments and resets connections ("TCP:
 * out of memory -- consider tuning tcp_mem", counted in TCPAbortOnMemory).
 *
 * <p>Who holds it: the per-socket memory sock_diag reports ({@link SkMemInfo#chargedBytes()}),
 * summed per owning process. Only sockets of the doctor's network namespace are visible, so the
 * consumers may explain less than the node-wide total. A socket shared by several processes counts
 * for each of them. The usual culprit is a process that stopped reading: unread data stays charged
 * until it is read or the socket closed, and CLOSE_WAIT sockets nobody reads keep theirs forever.
 */
final class TcpMemoryDetector implements Detector, Configurable {

  static final Threshold WARNING =
      new Threshold(
          "tcp-memory.warning",
          1.0,
          "%",
          "Warn at this fraction of tcp_mem pressure (100%: when the kernel starts moderating).");
  static final Threshold CRITICAL =
      new Threshold("tcp-memory.critical", 0.90, "%", "Critical at this fraction of tcp_mem max.");

  /**
   * Bytes per page of the sockstat and tcp_mem figures, used only to show them in bytes. 4 KiB on
   * x86-64 and on the usual arm64 kernels; the comparisons themselves are page against page.
   */
  static final long PAGE_BYTES = 4096;

  private static final int TOP_CONSUMERS = 3;

  /** TCP memory (sockstat mem, tcp_mem) is one pool for every namespace. */
  @Override
  public boolean nodeWide() {
    return true;
  }

  @Override
  public String id() {
    return "tcp-memory";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    TCP_MEMORY_PAGES,
    TCP_MEM_MIN_PAGES,
    TCP_MEM_PRESSURE_PAGES,
    TCP_MEM_MAX_PAGES,
    TCP_MEMORY_GROWTH_PAGES,
    TCP_MEMORY_PRESSURES,
    TCP_ABORT_ON_MEMORY,
    SOCKET_MEMORY_BYTES,
    PROCESS_SOCKET_MEMORY_BYTES,
    PROCESS_SOCKETS,
    PROCESS_CLOSE_WAIT_SOCKETS,
    PROCESS_UNREAD_BYTES
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(WARNING, CRITICAL);
  }

  @Override
  public Optional<String> missingInput(DoctorInput input) {
    if (input.after().node().isEmpty()) {
      return Optional.of("no node counters were read");
    }
    NodeStats node = input.node();
    if (node.sockstat("TCP", "mem").isEmpty()) {
      return Optional.of("TCP memory (sockstat mem) not readable");
    }
    if (node.tunables().tcpMem().isEmpty()) {
      return Optional.of("tcp_mem not readable");
    }
    return Optional.empty();
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    NodeStats node = input.node();
    OptionalLong memNow = node.sockstat("TCP", "mem");
    Optional<TcpMemLimits> limits = node.tunables().tcpMem();
    if (memNow.isEmpty() || limits.isEmpty() || limits.get().maxPages() <= 0) {
      return List.of();
    }
    long mem = memNow.getAsLong();
    TcpMemLimits l = limits.get();
    OptionalLong abortsOnMemory = input.counterDelta("TcpExt", "TCPAbortOnMemory");
    boolean aborted = abortsOnMemory.isPresent() && abortsOnMemory.getAsLong() > 0;
    double ofMax = (double) mem / l.maxPages();
    Severity severity;
    String title;
    if (ofMax >= input.config().value(CRITICAL) || (aborted && mem >= l.minPages())) {
      severity = Severity.CRITICAL;
      title =
          aborted
              ? String.format(
                  Locale.ROOT,
                  "The kernel reset %d connections for lack of TCP memory; TCP memory is at %.0f%%"
                      + " of tcp_mem max",
                  abortsOnMemory.getAsLong(),
                  100 * ofMax)
              : String.format(
                  Locale.ROOT,
                  "TCP memory is at %.0f%% of tcp_mem max: at max the kernel refuses socket"
                      + " buffers and resets connections",
                  100 * ofMax);
    } else if (mem >= input.config().value(WARNING) * l.pressurePages()) {
      severity = Severity.WARNING;
      title =
          mem >= l.pressurePages()
              ? "TCP memory is above tcp_mem pressure: the kernel is shrinking socket buffers"
              : String.format(
                  Locale.ROOT,
                  "TCP memory is at %.0f%% of tcp_mem pressure, where the kernel starts shrinking"
                      + " socket buffers",
                  100.0 * mem / l.pressurePages());
    } else if (mem >= l.minPages()) {
      severity = Severity.INFO;
      title =
          String.format(
              Locale.ROOT,
              "TCP memory is above tcp_mem min (%.0f%% of the pressure threshold)",
              100.0 * mem / l.pressurePages());
    } else {
      return List.of();
    }

    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(Keys.TCP_MEMORY_PAGES, "TCP memory in use, node-wide", mem, "pages"));
    evidence.add(Evidence.of(Keys.TCP_MEM_MIN_PAGES, "tcp_mem min", l.minPages(), "pages"));
    evidence.add(
        Evidence.of(Keys.TCP_MEM_PRESSURE_PAGES, "tcp_mem pressure", l.pressurePages(), "pages"));
    evidence.add(Evidence.of(Keys.TCP_MEM_MAX_PAGES, "tcp_mem max", l.maxPages(), "pages"));
    OptionalLong growth = input.sockstatDelta("TCP", "mem");
    growth.ifPresent(
        g ->
            evidence.add(
                Evidence.of(
                    Keys.TCP_MEMORY_GROWTH_PAGES, "growth since the earlier sample", g, "pages")));
    input
        .counterDelta("TcpExt", "TCPMemoryPressures")
        .ifPresent(
            d ->
                evidence.add(
                    Evidence.of(
                        Keys.TCP_MEMORY_PRESSURES,
                        "TCPMemoryPressures since the earlier sample",
                        d,
                        "")));
    abortsOnMemory.ifPresent(
        d ->
            evidence.add(
                Evidence.of(
                    Keys.TCP_ABORT_ON_MEMORY, "TCPAbortOnMemory since the earlier sample", d, "")));

    List<Consumer> consumers = consumers(input.after());
    long seenBytes = 0;
    for (Consumer c : consumers) {
      seenBytes += c.chargedBytes;
    }
    List<Consumer> top = consumers.subList(0, Math.min(TOP_CONSUMERS, consumers.size()));
    evidence.add(
        Evidence.of(
            Keys.SOCKET_MEMORY_BYTES, "socket memory of the sockets read", seenBytes, "bytes"));
    for (Consumer c : top) {
      evidence.add(
          c.evidence(Keys.PROCESS_SOCKET_MEMORY_BYTES, "socket memory", c.chargedBytes, "bytes"));
      evidence.add(c.evidence(Keys.PROCESS_SOCKETS, "sockets", c.sockets, "sockets"));
      evidence.add(
          c.evidence(
              Keys.PROCESS_CLOSE_WAIT_SOCKETS, "CLOSE_WAIT sockets", c.closeWait, "sockets"));
      evidence.add(c.evidence(Keys.PROCESS_UNREAD_BYTES, "unread bytes", c.unreadBytes, "bytes"));
    }

    List<String> processes = new ArrayList<>();
    for (Consumer c : top) {
      if (c.process != null) {
        processes.add(c.name);
      }
    }
    return List.of(
        new Finding(
            id(),
            "",
            severity,
            title,
            new Subject(processes, "", "", "node (tcp_mem is shared by all network namespaces)"),
            evidence,
            Optional.of(
                Headroom.growing(
                    "TCP memory, node-wide",
                    mem,
                    l.maxPages(),
                    "pages",
                    input.perSecond(growth).orElse(Double.NaN))),
            remediation(top)));
  }

  private static String remediation(List<Consumer> top) {
    StringBuilder sb = new StringBuilder();
    if (top.isEmpty()) {
      sb.append(
          "Per-socket memory was not available here (it needs the netlink source) or no socket"
              + " of this network namespace holds any: look for the consumer with ss -tmp, in"
              + " every namespace (container) of the node. ");
    } else {
      Consumer c = top.getFirst();
      sb.append("Find and fix the process holding the memory: ")
          .append(c.name)
          .append(" holds ")
          .append(mib(c.chargedBytes))
          .append(" in ")
          .append(c.sockets)
          .append(" sockets (")
          .append(c.closeWait)
          .append(" in CLOSE_WAIT, ")
          .append(mib(c.unreadBytes))
          .append(" unread). ");
      sb.append(
          c.unreadBytes > 0
              ? "It must read what it receives and close() sockets it is done with, above all"
                  + " those whose peer already closed. "
              : "Its send queues or buffers are large: check for slow peers and oversized"
                  + " SO_SNDBUF/SO_RCVBUF. ");
    }
    sb.append(
        "tcp_mem is node-wide and counted in 4 KiB pages; raising net.ipv4.tcp_mem only buys"
            + " time until the leak fills the new limit.");
    return sb.toString();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  /**
   * Socket memory per owning process, most first, leaving out those that hold none. Orphaned
   * sockets (closed, still draining) form one group, and so do sockets whose owner was not found.
   */
  static List<Consumer> consumers(Snapshot snapshot) {
    Map<Integer, Consumer> byPid = new HashMap<>();
    Consumer orphans = new Consumer(null, "orphaned sockets (no process)");
    Consumer unknown = new Consumer(null, "sockets with no process found");
    for (SocketRecord s : snapshot.sockets()) {
      if (!s.skMem().isPresent()) {
        continue;
      }
      List<ProcessInfo> owners = snapshot.ownersOf(s);
      if (owners.isEmpty()) {
        (snapshot.ownershipOf(s) == Ownership.ORPHAN ? orphans : unknown).add(s);
      }
      for (ProcessInfo p : owners) {
        byPid.computeIfAbsent(p.pid(), k -> new Consumer(p, ProcessLabel.of(p))).add(s);
      }
    }
    List<Consumer> out = new ArrayList<>();
    for (Consumer c : byPid.values()) {
      if (c.chargedBytes > 0) {
        out.add(c);
      }
    }
    for (Consumer c : List.of(orphans, unknown)) {
      if (c.chargedBytes > 0) {
        out.add(c);
      }
    }
    out.sort(Comparator.comparingLong((Consumer c) -> -c.chargedBytes).thenComparing(c -> c.name));
    return out;
  }

  /** What one process (or group of ownerless sockets) holds. */
  static final class Consumer {
    final ProcessInfo process;
    final String name;
    long chargedBytes;
    int sockets;
    int closeWait;
    long unreadBytes;

    Consumer(ProcessInfo process, String name) {
      this.process = process;
      this.name = name;
    }

    /** One number about this consumer: labelled {@code NAME: WHAT}, with its name as member. */
    Evidence evidence(Keys key, String what, double value, String unit) {
      return Evidence.of(key, name + ": " + what, value, unit).withMember(name);
    }

    void add(SocketRecord s) {
      chargedBytes += Math.max(0, s.skMem().chargedBytes());
      sockets++;
      closeWait += s.state() == TcpState.CLOSE_WAIT ? 1 : 0;
      unreadBytes += UnreadData.bytes(s);
    }
  }
}
