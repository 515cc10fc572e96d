package io.sockwatch.analysis;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Orphaned TCP sockets: connections their process closed but the kernel still finishes (FIN_WAIT1,
 * LAST_ACK, CLOSING; unsent data or an unacknowledged FIN), counted node-wide in {@code
 * /proc/net/sockstat} {@code TCP ... orphan} against {@code net.ipv4.tcp_max_orphans}. Past the
 * limit the kernel resets orphans and sockets being closed ("TCP: too many orphaned sockets",
 * counted in TCPAbortOnMemory). It penalises orphans that have not sent for a long time or saw ICMP
 * errors by counting them twice or four times against the limit, which is why the warning starts at
 * half of it.
 */
final class OrphanDetector implements Detector, Configurable {

  static final Threshold WARNING =
      new Threshold(
          "orphans.warning",
          0.50,
          "%",
          "Warn at this fraction of tcp_max_orphans (the kernel may count an orphan 2x or 4x).");
  static final Threshold CRITICAL =
      new Threshold("orphans.critical", 0.80, "%", "Critical at this fraction of tcp_max_orphans.");

  private static final int TOP_PEERS = 3;

  /** The orphan count and tcp_max_orphans are kept once for the node. */
  @Override
  public boolean nodeWide() {
    return true;
  }

  @Override
  public String id() {
    return "orphans";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    ORPHAN_SOCKETS,
    TCP_MAX_ORPHANS,
    ORPHAN_GROWTH_SOCKETS,
    TCP_ABORT_ON_MEMORY,
    TCP_ABORT_ON_CLOSE,
    STATE_ORPHAN_SOCKETS,
    PEER_ORPHAN_SOCKETS
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
    if (node.sockstat("TCP", "orphan").isEmpty()) {
      return Optional.of("orphan count (sockstat orphan) not readable");
    }
    if (node.tunables().tcpMaxOrphans().isEmpty()) {
      return Optional.of("tcp_max_orphans not readable");
    }
    return Optional.empty();
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    NodeStats node = input.node();
    KernelTunables t = node.tunables();
    OptionalLong orphanNow = node.sockstat("TCP", "orphan");
    if (orphanNow.isEmpty() || t.tcpMaxOrphans().isEmpty() || t.tcpMaxOrphans().getAsLong() <= 0) {
      return List.of();
    }
    long orphans = orphanNow.getAsLong();
    long max = t.tcpMaxOrphans().getAsLong();
    double fill = (double) orphans / max;
    Optional<Severity> level =
        Severity.ofFill(fill, input.config().value(WARNING), input.config().value(CRITICAL));
    if (level.isEmpty()) {
      return List.of();
    }
    Severity severity = level.get();

    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(Keys.ORPHAN_SOCKETS, "orphaned sockets, node-wide", orphans, "sockets"));
    evidence.add(Evidence.of(Keys.TCP_MAX_ORPHANS, "tcp_max_orphans", max, "sockets"));
    OptionalLong growth = input.sockstatDelta("TCP", "orphan");
    growth.ifPresent(
        g ->
            evidence.add(
                Evidence.of(
                    Keys.ORPHAN_GROWTH_SOCKETS, "growth since the earlier sample", g, "sockets")));
    input
        .counterDelta("TcpExt", "TCPAbortOnMemory")
        .ifPresent(
            d ->
                evidence.add(
                    Evidence.of(
                        Keys.TCP_ABORT_ON_MEMORY,
                        "TCPAbortOnMemory since the earlier sample",
                        d,
                        "")));
    input
        .counterDelta("TcpExt", "TCPAbortOnClose")
        .ifPresent(
            d ->
                evidence.add(
                    Evidence.of(
                        Keys.TCP_ABORT_ON_CLOSE,
                        "TCPAbortOnClose since the earlier sample",
                        d,
                        "")));

    Snapshot now = input.after();
    PeerTally peers = new PeerTally(PeerTally.listenPorts(now.sockets()));
    Map<TcpState, Integer> byState = new EnumMap<>(TcpState.class);
    for (SocketRecord s : now.sockets()) {
      // A FIN_WAIT2 time-wait mini-socket has no inode either, but the kernel counts it as "tw".
      if (now.ownershipOf(s) == Ownership.ORPHAN && s.timer() != SocketTimer.TIME_WAIT) {
        byState.merge(s.state(), 1, Integer::sum);
        peers.add(s);
      }
    }
    byState.forEach(
        (state, n) ->
            evidence.add(
                Evidence.of(
                        Keys.STATE_ORPHAN_SOCKETS,
                        "orphans read in " + state.ssName(),
                        n,
                        "sockets")
                    .withMember(state.ssName())));
    List<PeerTally.Peer> top = peers.top(TOP_PEERS);
    for (PeerTally.Peer p : top) {
      evidence.add(
          Evidence.of(
                  Keys.PEER_ORPHAN_SOCKETS, "orphans with peer " + p.peer(), p.sockets(), "sockets")
              .withMember(p.peer()));
    }

    String peer = top.isEmpty() ? "" : top.getFirst().peer();
    return List.of(
        new Finding(
            id(),
            "",
            severity,
            String.format(
                Locale.ROOT,
                "%d orphaned TCP sockets: %.0f%% of tcp_max_orphans, past which the kernel resets"
                    + " connections being closed",
                orphans,
                100 * fill),
            new Subject(List.of(), peer, peers.topLocal(), "node"),
            evidence,
            Optional.of(
                Headroom.growing(
                    "orphaned sockets, node-wide",
                    orphans,
                    max,
                    "sockets",
                    input.perSecond(growth).orElse(Double.NaN))),
            remediation(peer)));
  }

  private static String remediation(String peer) {
    return (peer.isEmpty()
            ? "The orphans are in other network namespaces of the node (run the doctor there):"
                + " find the peers that stop acknowledging or reading."
            : "Most orphans here are to "
                + peer
                + ": that peer (or the path to it) stops acknowledging or reading, so closed"
                + " connections cannot finish; fix it or stop closing with unsent data.")
        + " Lower net.ipv4.tcp_orphan_retries (0 means 8 retries, minutes) and tcp_fin_timeout"
        + " so orphans are dropped sooner. Raise net.ipv4.tcp_max_orphans only if memory allows:"
        + " each orphan may hold up to about 64 KiB of unswappable memory.";
  }
}
