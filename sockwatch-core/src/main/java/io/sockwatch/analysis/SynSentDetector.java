package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Outgoing connection attempts whose SYN had to be retransmitted: nothing answers at the
 * destination, neither a SYN-ACK nor a reset. A firewall or security group that silently drops
 * (rather than rejects) SYNs, a host that is down, or a routing black hole look exactly like this;
 * the client waits through {@code tcp_syn_retries} (6: about 127 s) before connect() fails, unless
 * it has its own connect timeout. Grouped per destination, with the processes that are waiting.
 *
 * <p>The retransmission count is the socket's retransmit-timer count ({@code idiag_retrans}, the
 * {@code retrnsmt} column of /proc/net/tcp), or tcp_info's {@code retransmits} if larger, so both
 * sources can judge it. The initial retransmission timeout is 1 s and doubles each time, so {@code
 * n} retransmits mean the attempt has waited at least 2^n - 1 seconds. When the destination is a
 * listener on this node, the fix names its process and says whether its full accept queue is what
 * drops the SYNs.
 */
final class SynSentDetector implements Detector, Configurable {

  static final Threshold MIN_RETRANSMITS =
      new Threshold(
          "syn-sent.min-retransmits",
          1,
          "",
          "Report connection attempts whose SYN was retransmitted at least this often.");
  static final Threshold CRITICAL_RETRANSMITS =
      new Threshold(
          "syn-sent.critical-retransmits",
          3,
          "",
          "Critical when an attempt's SYN was retransmitted this often (waiting 7 s or more).");

  @Override
  public String id() {
    return "syn-sent";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    UNANSWERED_ATTEMPTS,
    MAX_SYN_RETRANSMITS,
    WAITING_AT_LEAST_SECONDS
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
    double min = Math.max(1, input.config().value(MIN_RETRANSMITS));
    Map<String, Group> byDestination = new TreeMap<>();
    Listeners listeners = null;
    for (SocketRecord s : input.after().sockets()) {
      if (s.state() != TcpState.SYN_SENT) {
        continue;
      }
      int retransmits = retransmits(s);
      if (retransmits < min) {
        continue;
      }
      String destination = Connections.endpoint(s.remoteAddress(), s.remotePort());
      if (listeners == null) {
        listeners = new Listeners(input.after());
      }
      SocketRecord local = listeners.find(s.remoteAddress(), s.remotePort());
      Group g = byDestination.computeIfAbsent(destination, d -> new Group(local));
      g.count++;
      g.maxRetransmits = Math.max(g.maxRetransmits, retransmits);
      g.processes.addOwners(input.after(), s);
    }
    double critical = input.config().value(CRITICAL_RETRANSMITS);
    List<Finding> out = new ArrayList<>(byDestination.size());
    byDestination.forEach(
        (destination, g) -> out.add(finding(input.after(), destination, g, critical)));
    return out;
  }

  /** SYN retransmissions of a SYN_SENT socket, from whichever source reports more. */
  static int retransmits(SocketRecord s) {
    long fromInfo = s.tcpInfo().get(TcpInfoField.RETRANSMITS);
    return (int) Math.max(Math.max(0, s.timerRetransmits()), fromInfo);
  }

  private Finding finding(Snapshot now, String destination, Group g, double critical) {
    double waited = Math.pow(2, g.maxRetransmits) - 1;
    String title =
        String.format(
            Locale.ROOT,
            "%d connection attempt%s from %s to %s %s unanswered: SYN retransmitted up to %d"
                + " time%s (waiting %s or more)",
            g.count,
            g.count == 1 ? "" : "s",
            g.processes.describe(),
            destination,
            g.count == 1 ? "is" : "are",
            g.maxRetransmits,
            g.maxRetransmits == 1 ? "" : "s",
            HumanDuration.of(waited));
    return new Finding(
        id(),
        destination,
        g.maxRetransmits >= critical ? Severity.CRITICAL : Severity.WARNING,
        title,
        new Subject(g.processes.list(), destination, "", ""),
        List.of(
            Evidence.of(Keys.UNANSWERED_ATTEMPTS, "unanswered connection attempts", g.count, ""),
            Evidence.of(Keys.MAX_SYN_RETRANSMITS, "most SYN retransmits", g.maxRetransmits, ""),
            Evidence.of(Keys.WAITING_AT_LEAST_SECONDS, "waiting at least", waited, "s")),
        Optional.empty(),
        remediation(now, destination, g));
  }

  private static String remediation(Snapshot now, String destination, Group g) {
    if (g.localListener != null) {
      ProcessSet server = new ProcessSet();
      server.addOwners(now, g.localListener);
      if (Listeners.queueFull(g.localListener)) {
        return destination
            + " is a listener on this node, held by "
            + server.describe()
            + ", and its accept queue is full ("
            + g.localListener.receiveQueue()
            + " of backlog "
            + g.localListener.sendQueue()
            + "): the kernel drops SYNs until "
            + server.describe()
            + " accept()s faster (see the listen-queue finding).";
      }
      return destination
          + " is a listener on this node, held by "
          + server.describe()
          + ", yet its SYNs go unanswered: look for a local firewall rule (nftables, iptables)"
          + " that drops them.";
    }
    return "Nothing answers SYNs to "
        + destination
        + ": check that the host is up and something listens on that port, and that no"
        + " firewall, security group or network policy on the path silently drops SYNs (a"
        + " REJECT fails fast; a DROP makes "
        + g.processes.describe()
        + " wait about 127 s, net.ipv4.tcp_syn_retries=6). Give the client a connect timeout"
        + " of a few seconds so it fails fast and retries elsewhere.";
  }

  private static final class Group {
    final ProcessSet processes = new ProcessSet();
    final SocketRecord localListener;
    int count;
    int maxRetransmits;

    Group(SocketRecord localListener) {
      this.localListener = localListener;
    }
  }
}
