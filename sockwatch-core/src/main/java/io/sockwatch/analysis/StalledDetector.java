package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.MeasuredTimeout;
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
import java.util.OptionalLong;
import java.util.Set;

/**
 * Connections that are already dead while both ends still show them ESTABLISHED: data sent and not
 * acknowledged, the retransmission timer backed off again and again, no ACK for many RTOs. The
 * kernel keeps retransmitting for about 15 minutes ({@code tcp_retries2=15}) before the application
 * hears of it; this names it within seconds.
 *
 * <p>A socket is stalled when tcp_info shows unacknowledged segments, {@code backoff} of at least
 * {@link #MIN_BACKOFF} (each backoff doubles the wait: three is about 1.4 s without an ACK at the
 * minimum RTO) and no ACK for at least {@link #MIN_SILENCE}. A zero window with the persist timer
 * is not this: the peer answers, it only stopped reading ({@link PeerStuckDetector}). Ordinary loss
 * recovers within one or two backoffs and never reaches the threshold.
 *
 * <p>Two shapes are told apart by the evidence. Idle long, then dead on the next write (the last
 * ACK came long before the retransmissions began): a stateful middlebox forgot the connection; the
 * idle time is held against the measured or assumed middlebox timeout. Otherwise it stalled
 * mid-transfer: packets to the peer are lost, or the peer is gone. When the kernel will give up
 * follows the kernel's own model of {@code tcp_retries2} (the RTO doubling from 200 ms up to its
 * 120 s cap), unless the application set {@code TCP_USER_TIMEOUT}, which sock_diag does not show.
 */
final class StalledDetector implements Detector, Configurable {

  static final Threshold MIN_BACKOFF =
      new Threshold(
          "stalled.min-backoff",
          3,
          "",
          "Report a connection once its retransmission timer backed off this many times in a row.");
  static final Threshold MIN_SILENCE =
      new Threshold(
          "stalled.min-silence",
          3,
          "s",
          "...and nothing it sent was acknowledged for at least this long.");

  /** The kernel's TCP_RTO_MIN and TCP_RTO_MAX, in milliseconds. */
  static final long RTO_MIN_MILLIS = 200;

  static final long RTO_MAX_MILLIS = 120_000;

  private static final Set<TcpState> DATA_STATES =
      EnumSet.of(
          TcpState.ESTABLISHED,
          TcpState.FIN_WAIT1,
          TcpState.CLOSE_WAIT,
          TcpState.CLOSING,
          TcpState.LAST_ACK);

  private enum Keys implements EvidenceKey {
    STALLED_CONNECTIONS,
    UNACKED_SEGMENTS,
    SEND_QUEUE_BYTES,
    BACKOFF,
    RETRANSMITS,
    RTO_SECONDS,
    SINCE_LAST_ACK_SECONDS,
    SINCE_LAST_DATA_RECEIVED_SECONDS,
    RETRANSMITTING_SECONDS,
    IDLE_BEFORE_SECONDS,
    MIDDLEBOX_IDLE_TIMEOUT_SECONDS,
    KERNEL_GIVES_UP_IN_SECONDS
  }

  @Override
  public String id() {
    return "stalled";
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_BACKOFF, MIN_SILENCE);
  }

  /** The worst stalled socket of a group, and how many there are. */
  private static final class Group {
    final Connections.Peers peers = new Connections.Peers();
    int count;
    long unacked;
    long sendQueue;
    int backoff = -1;
    long retransmits;
    long rtoMicros;
    long sinceAckMillis;
    long sinceDataMillis = TcpInfo.ABSENT;
    long intoCurrentWaitMillis;
    IpAddress remote;

    void add(SocketRecord s, TcpInfo info, int socketBackoff, long sinceAck) {
      count++;
      remote = s.remoteAddress();
      peers.add(s);
      unacked += info.get(TcpInfoField.UNACKED);
      sendQueue += Math.max(0, s.sendQueue());
      if (socketBackoff > backoff) {
        backoff = socketBackoff;
        retransmits = info.get(TcpInfoField.RETRANSMITS);
        rtoMicros = info.get(TcpInfoField.RTO);
        sinceAckMillis = sinceAck;
        // Into the current wait: the RTO less what the retransmission timer has left.
        intoCurrentWaitMillis =
            s.timer() == SocketTimer.RETRANSMIT && s.timerExpiresMillis() >= 0
                ? Math.max(0, rtoMicros / 1000 - s.timerExpiresMillis())
                : 0;
        sinceDataMillis = info.lastDataRecvMillis();
      }
    }
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    double minBackoff = input.config().value(MIN_BACKOFF);
    double minSilenceMillis = 1000 * input.config().value(MIN_SILENCE);
    Connections connections = null;
    Map<Connections.GroupKey, Group> groups = new LinkedHashMap<>();
    for (SocketRecord s : now.sockets()) {
      TcpInfo info = s.tcpInfo();
      if (!DATA_STATES.contains(s.state()) || s.timer() == SocketTimer.ZERO_WINDOW_PROBE) {
        continue;
      }
      long unacked = info.get(TcpInfoField.UNACKED);
      long backoff = info.get(TcpInfoField.BACKOFF);
      long sinceAck = info.lastAckRecvMillis();
      if (unacked <= 0
          || backoff == TcpInfo.ABSENT
          || backoff < minBackoff
          || sinceAck == TcpInfo.ABSENT
          || sinceAck < minSilenceMillis
          || info.get(TcpInfoField.SND_WND) == 0
          || firstDataNeverAcked(info)) {
        continue;
      }
      if (connections == null) {
        connections = new Connections(now);
      }
      groups
          .computeIfAbsent(connections.keyOf(s), k -> new Group())
          .add(s, info, (int) backoff, sinceAck);
    }
    List<Finding> out = new ArrayList<>();
    OptionalLong retries2 =
        input.node() == null ? OptionalLong.empty() : input.node().tunables().tcpRetries2();
    groups.forEach((key, g) -> out.add(finding(key, g, input.config(), retries2)));
    return out;
  }

  /**
   * Nothing past the SYN was ever acknowledged: the first data is lost, which {@code
   * first-data-lost} reports with its own causes (an MTU black hole, a middlebox dropping data).
   */
  private static boolean firstDataNeverAcked(TcpInfo info) {
    long acked = info.get(TcpInfoField.BYTES_ACKED);
    return acked != TcpInfo.ABSENT && acked <= 1;
  }

  /**
   * How long the kernel has been retransmitting, from the RTO it backed off to: the waits were
   * base, 2 base, 4 base ... each at most {@link #RTO_MAX_MILLIS}, where base is today's RTO halved
   * {@code backoff} times.
   */
  static long retransmittingMillis(long rtoMicros, int backoff) {
    long rto = Math.max(1, rtoMicros / 1000);
    long base = Math.max(1, rto >> Math.min(backoff, 30));
    long total = 0;
    long step = base;
    for (int i = 0; i < backoff; i++) {
      total += Math.min(step, RTO_MAX_MILLIS);
      step = Math.min(step * 2, RTO_MAX_MILLIS);
    }
    return total;
  }

  /**
   * When the kernel gives a connection up after {@code retries2} retransmissions: its own model
   * ({@code tcp_model_timeout}) with the RTO starting at 200 ms and doubling up to 120 s.
   */
  static long givesUpAfterMillis(long retries2) {
    int linearThreshold = 63 - Long.numberOfLeadingZeros(RTO_MAX_MILLIS / RTO_MIN_MILLIS);
    if (retries2 <= linearThreshold) {
      return ((2L << retries2) - 1) * RTO_MIN_MILLIS;
    }
    return ((2L << linearThreshold) - 1) * RTO_MIN_MILLIS
        + (retries2 - linearThreshold) * RTO_MAX_MILLIS;
  }

  private Finding finding(
      Connections.GroupKey key, Group g, DoctorConfig config, OptionalLong retries2) {
    long retransmitting = retransmittingMillis(g.rtoMicros, g.backoff) + g.intoCurrentWaitMillis;
    long idleBefore = Math.max(0, g.sinceAckMillis - retransmitting);
    Optional<MeasuredTimeout> measured = config.measured().forPeer(g.remote);
    double middlebox =
        measured.map(MeasuredTimeout::limitSeconds).orElse(config.middleboxIdleSeconds());
    String peerText = key.inbound() ? g.peers.describe() : key.endpoint();
    // A middlebox's forgetting shows as a long quiet before the first retransmission.
    boolean forgotten = idleBefore >= 1000 * Math.min(middlebox, 30);
    String shape =
        forgotten
            ? String.format(
                Locale.ROOT,
                "idle for %s, then dead on its next write: a middlebox (firewall, NAT, load"
                    + " balancer) on the path forgot it",
                HumanDuration.of(idleBefore / 1000.0))
            : "stalled mid-transfer: packets to the peer are lost, or the peer is gone";
    String gives =
        retries2.isPresent()
            ? String.format(
                Locale.ROOT,
                "; the kernel gives up in about %s (tcp_retries2=%d), unless TCP_USER_TIMEOUT is"
                    + " set",
                HumanDuration.of(
                    Math.max(0, givesUpAfterMillis(retries2.getAsLong()) - retransmitting)
                        / 1000.0),
                retries2.getAsLong())
            : "";
    String title =
        String.format(
            Locale.ROOT,
            "%d connection%s %s %s dead: nothing acknowledged for %s, retransmission backed off %d"
                + " times (%s)%s",
            g.count,
            g.count == 1 ? "" : "s",
            Connections.phrase(key, g.peers),
            g.count == 1 ? "is" : "are",
            HumanDuration.of(g.sinceAckMillis / 1000.0),
            g.backoff,
            shape,
            gives);
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(Evidence.of(Keys.STALLED_CONNECTIONS, "stalled connections", g.count, ""));
    evidence.add(
        Evidence.of(Keys.UNACKED_SEGMENTS, "unacknowledged segments", g.unacked, "segments"));
    evidence.add(
        Evidence.of(
            Keys.SEND_QUEUE_BYTES,
            "bytes sent or queued and not acknowledged",
            g.sendQueue,
            "bytes"));
    evidence.add(Evidence.of(Keys.BACKOFF, "retransmission timer backoff", g.backoff, ""));
    if (g.retransmits != TcpInfo.ABSENT) {
      evidence.add(
          Evidence.of(Keys.RETRANSMITS, "retransmissions of the same data", g.retransmits, ""));
    }
    evidence.add(
        Evidence.of(Keys.RTO_SECONDS, "retransmission timeout now", g.rtoMicros / 1e6, "s"));
    evidence.add(
        Evidence.of(
            Keys.SINCE_LAST_ACK_SECONDS,
            "time since the last ACK",
            g.sinceAckMillis / 1000.0,
            "s"));
    if (g.sinceDataMillis != TcpInfo.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.SINCE_LAST_DATA_RECEIVED_SECONDS,
              "time since data was last received",
              g.sinceDataMillis / 1000.0,
              "s"));
    }
    evidence.add(
        Evidence.of(
            Keys.RETRANSMITTING_SECONDS, "retransmitting for about", retransmitting / 1000.0, "s"));
    if (forgotten) {
      evidence.add(
          Evidence.of(
              Keys.IDLE_BEFORE_SECONDS,
              "idle before the write that went unanswered",
              idleBefore / 1000.0,
              "s"));
      evidence.add(
          Evidence.of(
              Keys.MIDDLEBOX_IDLE_TIMEOUT_SECONDS,
              "assumed or measured middlebox idle timeout",
              measured.map(MeasuredTimeout::limitSeconds).orElse(middlebox),
              "s"));
    }
    if (retries2.isPresent()) {
      evidence.add(
          Evidence.of(
              Keys.KERNEL_GIVES_UP_IN_SECONDS,
              "until the kernel gives up (tcp_retries2)",
              Math.max(0, givesUpAfterMillis(retries2.getAsLong()) - retransmitting) / 1000.0,
              "s"));
    }
    String who = key.processes().isEmpty() ? "the application" : key.who();
    String fix =
        (forgotten
                ? "Keep the connection alive below the middlebox's idle timeout: SO_KEEPALIVE"
                    + " with TCP_KEEPIDLE under "
                    + HumanDuration.of(middlebox)
                    + " (or net.ipv4.tcp_keepalive_time, which applies to sockets with"
                    + " SO_KEEPALIVE), or an application heartbeat that really runs. "
                : "Check the path to "
                    + peerText
                    + " (loss, a route or firewall change) and whether the peer is still up. ")
            + "Set TCP_USER_TIMEOUT (e.g. 30 s) on "
            + who
            + "'s sockets so the application learns in seconds that a connection is dead, instead"
            + " of after the kernel's retransmissions (about 15 min at tcp_retries2=15); then"
            + " reconnect. Lowering net.ipv4.tcp_retries2 (8 is about 100 s) shortens it for"
            + " every connection of the node.";
    return new Finding(
        id(),
        key.findingKey(),
        Severity.CRITICAL,
        title,
        Connections.subject(key, g.peers),
        evidence,
        Optional.empty(),
        fix);
  }
}
