package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Peers that stopped reading: the sender has data queued, the peer advertises a zero window, and
 * the kernel probes it with the persist timer. The peer is alive (it answers every probe) and not
 * dead, so this is not {@link StalledDetector}'s finding: the fix is on the peer's side, or a write
 * timeout on this one. A peer that reads slowly opens its window again within a probe or two; the
 * finding waits for {@link #MIN_PROBES}.
 */
final class PeerStuckDetector implements Detector, Configurable {

  static final Threshold MIN_PROBES =
      new Threshold(
          "peer-stuck.min-probes",
          3,
          "",
          "Report a connection once this many zero-window probes went unanswered by an open"
              + " window.");

  private static final Set<TcpState> SENDING =
      EnumSet.of(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.FIN_WAIT1);

  private enum Keys implements EvidenceKey {
    STUCK_CONNECTIONS,
    SEND_QUEUE_BYTES,
    ZERO_WINDOW_PROBES,
    SINCE_LAST_DATA_RECEIVED_SECONDS
  }

  @Override
  public String id() {
    return "peer-stuck";
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_PROBES);
  }

  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    int count;
    long sendQueue;
    int probes;
    long sinceData = TcpInfo.ABSENT;
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    double minProbes = input.config().value(MIN_PROBES);
    Connections connections = null;
    Map<Connections.GroupKey, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : now.sockets()) {
      if (!SENDING.contains(s.state())
          || s.timer() != SocketTimer.ZERO_WINDOW_PROBE
          || s.sendQueue() <= 0) {
        continue;
      }
      int probes = probesSent(s);
      if (probes < minProbes) {
        continue;
      }
      if (connections == null) {
        connections = new Connections(now);
      }
      Group g = groups.computeIfAbsent(connections.keyOf(s), k -> new Group());
      g.count++;
      g.peers.add(s);
      g.sendQueue += s.sendQueue();
      g.probes = Math.max(g.probes, probes);
      long data = s.tcpInfo().lastDataRecvMillis();
      if (data != TcpInfo.ABSENT) {
        g.sinceData = Math.max(g.sinceData, data);
      }
    }
    List<Finding> out = new ArrayList<>();
    groups.forEach((key, g) -> out.add(finding(key, g)));
    return out;
  }

  /**
   * Zero-window probes sent since the window closed. The timer's count ({@code idiag_retrans}, the
   * kernel's {@code icsk_probes_out}) is not it: every ACK resets it, and a live peer answers every
   * probe, so it reads 0 or 1 however long the stall (seen: {@code timer:(persist,47sec,0)} after
   * 60 s). The kernel counts each probe in {@code icsk_backoff} (tcp_info's {@code backoff}) and
   * clears it only when the window opens; the timer's count grows only when probes go unanswered.
   */
  private static int probesSent(SocketRecord s) {
    long backoff = s.tcpInfo().get(TcpInfoField.BACKOFF);
    return (int) Math.max(backoff == TcpInfo.ABSENT ? 0 : backoff, s.timerRetransmits());
  }

  private Finding finding(Connections.GroupKey key, Group g) {
    String title =
        String.format(
            Locale.ROOT,
            "The peer of %d connection%s %s stopped reading: %s wait behind a zero window after %d"
                + " probes (the peer is alive, not dead)",
            g.count,
            g.count == 1 ? "" : "s",
            Connections.phrase(key, g.peers),
            g.sendQueue + " bytes",
            g.probes);
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(Keys.STUCK_CONNECTIONS, "connections behind a zero window", g.count, ""));
    evidence.add(
        Evidence.of(
            Keys.SEND_QUEUE_BYTES,
            "bytes waiting to be sent or acknowledged",
            g.sendQueue,
            "bytes"));
    evidence.add(Evidence.of(Keys.ZERO_WINDOW_PROBES, "zero-window probes sent", g.probes, ""));
    if (g.sinceData != TcpInfo.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.SINCE_LAST_DATA_RECEIVED_SECONDS,
              "time since data was last received",
              g.sinceData / 1000.0,
              "s"));
    }
    String peer = key.inbound() ? g.peers.describe() : key.endpoint();
    return new Finding(
        id(),
        key.findingKey(),
        Severity.WARNING,
        title,
        Connections.subject(key, g.peers),
        evidence,
        Optional.empty(),
        "The application at "
            + peer
            + " no longer reads what it is sent (blocked, deadlocked, or reading another"
            + " connection first); its receive queue is full. Look at that process (its stack, its"
            + " Recv-Q in `ss -tn`). On this side, a write timeout (or TCP_USER_TIMEOUT, which"
            + " also bounds zero-window probing) keeps "
            + (key.processes().isEmpty() ? "the sender" : key.who())
            + " from blocking forever.");
  }
}
