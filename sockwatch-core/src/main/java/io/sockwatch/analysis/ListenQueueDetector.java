package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Listeners whose accept queue is (nearly) full: connections the kernel completed but the
 * application has not accept()ed yet. When the queue is full the kernel drops new SYNs and the
 * clients' final ACKs (TcpExt ListenOverflows and ListenDrops count them), so clients see slow or
 * failing connects while the server looks idle. For a LISTEN socket sock_diag reports the queue
 * length as the receive queue and the backlog (the smaller of listen()'s argument and {@code
 * net.core.somaxconn}) as the send queue; the kernel's test is queue &gt; backlog, so a {@code
 * listen(fd, 4)} socket holds 5. The /proc source does not report the backlog, so fill cannot be
 * judged there.
 *
 * <p>With two samples, drops are attributed to a listener through its socket's drop counter ({@code
 * skmem} {@code d}, which the kernel increments together with ListenDrops), matched by cookie;
 * node-wide counter growth that no listener accounts for is reported on its own.
 */
final class ListenQueueDetector implements Detector, Configurable {

  static final Threshold FRACTION =
      new Threshold(
          "listen-queue.fraction",
          0.8,
          "%",
          "Warn when a listener's accept queue holds this much of its backlog.");

  @Override
  public String id() {
    return "listen-queue";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    ACCEPT_QUEUE_CONNECTIONS,
    BACKLOG_CONNECTIONS,
    DROPS_IN_INTERVAL,
    DROPS_SINCE_OPEN,
    LISTEN_OVERFLOWS,
    LISTEN_DROPS,
    INTERVAL_SECONDS
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(FRACTION);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    Map<Long, SocketRecord> before = listenersBefore(input);
    OptionalLong overflows = input.counterDelta("TcpExt", "ListenOverflows");
    OptionalLong drops = input.counterDelta("TcpExt", "ListenDrops");
    double fraction = input.config().value(FRACTION);
    List<Finding> out = new ArrayList<>();
    boolean attributed = false;
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.LISTEN) {
        continue;
      }
      SocketRecord then = s.cookie() == SocketRecord.ABSENT ? null : before.get(s.cookie());
      long dropsDelta = dropsDelta(then, s);
      boolean backlogKnown = s.sendQueue() != SocketRecord.ABSENT;
      boolean filling =
          backlogKnown && s.receiveQueue() > 0 && s.receiveQueue() >= fraction * s.sendQueue();
      if (!filling && dropsDelta <= 0) {
        continue;
      }
      attributed |= dropsDelta > 0;
      out.add(listenerFinding(input, s, then, dropsDelta, overflows, drops));
    }
    long nodeDrops = Math.max(overflows.orElse(0), drops.orElse(0));
    if (!attributed && nodeDrops > 0) {
      out.add(nodeFinding(input, overflows, drops));
    }
    return out;
  }

  private static Map<Long, SocketRecord> listenersBefore(DoctorInput input) {
    Map<Long, SocketRecord> out = new HashMap<>();
    if (input.before().isPresent()) {
      for (SocketRecord s : input.before().get().sockets()) {
        if (s.state() == TcpState.LISTEN && s.cookie() != SocketRecord.ABSENT) {
          out.put(s.cookie(), s);
        }
      }
    }
    return out;
  }

  /** Drops counted on this listener between the samples, or ABSENT when unknown. */
  private static long dropsDelta(SocketRecord then, SocketRecord now) {
    if (then == null
        || then.skMem().drops() == SocketRecord.ABSENT
        || now.skMem().drops() == SocketRecord.ABSENT) {
      return SocketRecord.ABSENT;
    }
    return Math.max(0, now.skMem().drops() - then.skMem().drops());
  }

  private Finding listenerFinding(
      DoctorInput input,
      SocketRecord s,
      SocketRecord then,
      long dropsDelta,
      OptionalLong overflows,
      OptionalLong drops) {
    String local = Connections.endpoint(s.localAddress(), s.localPort());
    ProcessSet processes = new ProcessSet();
    processes.addOwners(input.after(), s);
    boolean backlogKnown = s.sendQueue() != SocketRecord.ABSENT;
    boolean full = backlogKnown && s.receiveQueue() > s.sendQueue();
    String state =
        full
            ? "full"
            : backlogKnown
                ? String.format(
                    Locale.ROOT,
                    "%.0f%% full",
                    100.0 * s.receiveQueue() / Math.max(1, s.sendQueue()))
                : "overflowing";
    String title =
        String.format(
            Locale.ROOT,
            "%s on %s does not accept connections fast enough: accept queue %s (%d of backlog"
                + " %s)%s",
            processes.describe(),
            local,
            state,
            s.receiveQueue(),
            backlogKnown ? Long.toString(s.sendQueue()) : "unknown",
            dropsDelta > 0
                ? String.format(
                    Locale.ROOT,
                    ", %d connection attempts dropped in %s",
                    dropsDelta,
                    HumanDuration.of(input.intervalSeconds()))
                : "");
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(
            Keys.ACCEPT_QUEUE_CONNECTIONS, "accept queue", s.receiveQueue(), "connections"));
    if (backlogKnown) {
      evidence.add(Evidence.of(Keys.BACKLOG_CONNECTIONS, "backlog", s.sendQueue(), "connections"));
    }
    if (dropsDelta != SocketRecord.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.DROPS_IN_INTERVAL,
              "drops at this listener during the interval",
              dropsDelta,
              ""));
    }
    if (s.skMem().drops() != SocketRecord.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.DROPS_SINCE_OPEN,
              "drops at this listener since it opened",
              s.skMem().drops(),
              ""));
    }
    overflows.ifPresent(
        v ->
            evidence.add(
                Evidence.of(Keys.LISTEN_OVERFLOWS, "TcpExt ListenOverflows growth", v, "")));
    drops.ifPresent(
        v -> evidence.add(Evidence.of(Keys.LISTEN_DROPS, "TcpExt ListenDrops growth", v, "")));
    OptionalDouble rate =
        then == null
            ? OptionalDouble.empty()
            : input.perSecond(OptionalLong.of(s.receiveQueue() - then.receiveQueue()));
    Optional<Headroom> headroom =
        backlogKnown
            ? Optional.of(
                Headroom.growing(
                    "accept queue of " + local,
                    s.receiveQueue(),
                    s.sendQueue(),
                    "connections",
                    rate.orElse(Double.NaN)))
            : Optional.empty();
    return new Finding(
        id(),
        String.join("+", processes.list()) + "@" + local,
        full || dropsDelta > 0 ? Severity.CRITICAL : Severity.WARNING,
        title,
        new Subject(processes.list(), "", local, ""),
        evidence,
        headroom,
        processes.describe()
            + " is not calling accept() on "
            + local
            + " fast enough: look for a blocked or too small accept loop (thread pool exhausted,"
            + " event loop stalled, a stopped process). To absorb bursts, raise its listen()"
            + " backlog and net.core.somaxconn, which caps it.");
  }

  private Finding nodeFinding(DoctorInput input, OptionalLong overflows, OptionalLong drops) {
    long n = Math.max(overflows.orElse(0), drops.orElse(0));
    List<Evidence> evidence = new ArrayList<>();
    overflows.ifPresent(
        v ->
            evidence.add(
                Evidence.of(Keys.LISTEN_OVERFLOWS, "TcpExt ListenOverflows growth", v, "")));
    drops.ifPresent(
        v -> evidence.add(Evidence.of(Keys.LISTEN_DROPS, "TcpExt ListenDrops growth", v, "")));
    evidence.add(Evidence.of(Keys.INTERVAL_SECONDS, "interval", input.intervalSeconds(), "s"));
    return new Finding(
        id(),
        "node",
        Severity.WARNING,
        String.format(
            Locale.ROOT,
            "%d incoming connection attempts were dropped at listeners in %s",
            n,
            HumanDuration.of(input.intervalSeconds())),
        Subject.NODE,
        evidence,
        Optional.empty(),
        "A listener's accept queue overflowed (or SYNs were dropped for lack of memory) but no"
            + " current listener accounts for it: it may have closed, or the socket source lacks"
            + " per-listener drop counts. Watch `ss -ltn` (Recv-Q against Send-Q) for the listener"
            + " whose queue fills, and make its process accept() faster or raise its backlog and"
            + " net.core.somaxconn.");
  }
}
