package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Half-open incoming connections (SYN_RECV, and the request sockets the kernel shows as
 * NEW_SYN_RECV) whose SYN-ACK had to be retransmitted: the clients' final ACKs do not arrive.
 * Asymmetric routing (the SYN-ACK leaves by a path whose replies are dropped, or rp_filter drops
 * the ACK), a firewall that passes SYNs but drops the rest, clients that vanished (SYN flood,
 * scans) or a full accept queue (the kernel then drops the ACK itself) look like this. Grouped per
 * listener, with the process that listens.
 *
 * <p>A request socket's retransmit count is {@code idiag_retrans} (the /proc {@code retrnsmt}
 * column), the number of SYN-ACKs sent again.
 */
final class SynRecvDetector implements Detector, Configurable {

  static final Threshold MIN_RETRANSMITS =
      new Threshold(
          "syn-recv.min-retransmits",
          1,
          "",
          "Report half-open connections whose SYN-ACK was retransmitted at least this often.");
  static final Threshold CRITICAL_RETRANSMITS =
      new Threshold(
          "syn-recv.critical-retransmits",
          3,
          "",
          "Critical when a SYN-ACK was retransmitted this often (the client waited 7 s or more).");

  @Override
  public String id() {
    return "syn-recv";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    HALF_OPEN_CONNECTIONS,
    MAX_SYNACK_RETRANSMITS,
    CLIENTS,
    ACCEPT_QUEUE_CONNECTIONS,
    BACKLOG_CONNECTIONS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_RETRANSMITS, CRITICAL_RETRANSMITS);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    double min = Math.max(1, input.config().value(MIN_RETRANSMITS));
    Listeners listeners = null;
    Map<String, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.SYN_RECV && s.state() != TcpState.NEW_SYN_RECV) {
        continue;
      }
      int retransmits = Math.max(0, s.timerRetransmits());
      if (retransmits < min) {
        continue;
      }
      if (listeners == null) {
        listeners = new Listeners(now);
      }
      SocketRecord listener = listeners.find(s.localAddress(), s.localPort());
      SocketRecord at = listener != null ? listener : s;
      String local = Connections.endpoint(at.localAddress(), at.localPort());
      Group g = groups.computeIfAbsent(local, k -> new Group(listener));
      g.count++;
      g.maxRetransmits = Math.max(g.maxRetransmits, retransmits);
      g.peers.add(s);
    }
    double critical = input.config().value(CRITICAL_RETRANSMITS);
    List<Finding> out = new ArrayList<>(groups.size());
    groups.forEach((local, g) -> out.add(finding(now, local, g, critical)));
    return out;
  }

  private Finding finding(Snapshot now, String local, Group g, double critical) {
    ProcessSet processes = new ProcessSet();
    if (g.listener != null) {
      processes.addOwners(now, g.listener);
    }
    boolean queueFull = g.listener != null && Listeners.queueFull(g.listener);
    String title =
        String.format(
            Locale.ROOT,
            "%d half-open connection%s to %s on %s: %s (SYN-ACK retransmitted up to %d time%s)",
            g.count,
            g.count == 1 ? "" : "s",
            processes.describe(),
            local,
            queueFull
                ? "the full accept queue drops the clients' ACKs"
                : "the clients' ACKs do not arrive",
            g.maxRetransmits,
            g.maxRetransmits == 1 ? "" : "s");
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(Keys.HALF_OPEN_CONNECTIONS, "half-open connections", g.count, ""));
    evidence.add(
        Evidence.of(Keys.MAX_SYNACK_RETRANSMITS, "most SYN-ACK retransmits", g.maxRetransmits, ""));
    evidence.add(Evidence.of(Keys.CLIENTS, "clients", g.peers.size(), ""));
    if (g.listener != null && g.listener.sendQueue() != SocketRecord.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.ACCEPT_QUEUE_CONNECTIONS,
              "accept queue",
              g.listener.receiveQueue(),
              "connections"));
      evidence.add(
          Evidence.of(Keys.BACKLOG_CONNECTIONS, "backlog", g.listener.sendQueue(), "connections"));
    }
    String fix =
        queueFull
            ? "The accept queue of "
                + local
                + " is full, so the kernel drops the clients' ACKs itself: "
                + processes.describe()
                + " does not call accept() fast enough (see the listen-queue finding)."
            : "ACKs from "
                + g.peers.describe()
                + " to "
                + local
                + " are lost: check for asymmetric routing (replies leaving by another interface or"
                + " gateway, rp_filter), a firewall that passes SYNs but drops later packets, or a"
                + " SYN flood (clients that never answer; enable net.ipv4.tcp_syncookies). A full"
                + " accept queue of "
                + processes.describe()
                + " would also drop them.";
    return new Finding(
        id(),
        local,
        g.maxRetransmits >= critical ? Severity.CRITICAL : Severity.WARNING,
        title,
        new Subject(processes.list(), g.peers.describe(), local, ""),
        evidence,
        Optional.empty(),
        fix);
  }

  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    final SocketRecord listener;
    int count;
    int maxRetransmits;

    Group(SocketRecord listener) {
      this.listener = listener;
    }
  }
}
