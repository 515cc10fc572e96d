package io.sockwatch.analysis;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpInfo;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * CLOSE_WAIT sockets per owning process. CLOSE_WAIT means the peer closed its side and the kernel
 * is waiting for the application to call {@code close()}; no timer ever ends it, so a socket that
 * stays there is an application bug: a descriptor and its buffers leak until the process exits or
 * runs out of descriptors (EMFILE).
 *
 * <p>Age. tcp_info's {@code last_ack_recv} is the time since the peer's last segment; for a
 * CLOSE_WAIT socket nobody writes to, that is its FIN. It is a lower bound when the application
 * still sends on the half-closed connection (the peer's ACKs are younger), which is exactly the
 * legitimate use of half-close, so such sockets look young and are not reported. Without tcp_info
 * (the /proc source) a socket seen in both samples is at least the sampling interval old.
 */
final class CloseWaitDetector implements Detector, Configurable {

  static final Threshold MIN_AGE =
      new Threshold(
          "close-wait.min-age",
          60,
          "s",
          "Count a CLOSE_WAIT socket once its peer closed at least this long ago.");
  static final Threshold WARNING_COUNT =
      new Threshold(
          "close-wait.warning-count",
          1,
          "",
          "Warn when a process holds this many CLOSE_WAIT sockets older than the minimum age.");
  static final Threshold CRITICAL_COUNT =
      new Threshold(
          "close-wait.critical-count",
          100,
          "",
          "Critical at this many (or when the process's CLOSE_WAIT count grows between samples).");

  private static final int TOP_PEERS = 3;

  /** Group key of the sockets whose owner was not found. */
  private static final int UNKNOWN_PID = -1;

  @Override
  public String id() {
    return "close-wait";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    CLOSE_WAIT_SOCKETS,
    CLOSE_WAIT_SOCKETS_TOTAL,
    OLDEST_CLOSE_WAIT_SECONDS,
    CLOSE_WAIT_OLDER_THAN_SECONDS,
    UNREAD_BYTES,
    EOF_UNREAD_SOCKETS,
    CLOSE_WAIT_GROWTH_SOCKETS,
    PEER_CLOSE_WAIT_SOCKETS,
    OPEN_FILES,
    OPEN_FILES_LIMIT
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_AGE, WARNING_COUNT, CRITICAL_COUNT);
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    Snapshot now = input.after();
    double minAgeMillis = input.config().value(MIN_AGE) * 1000;
    Set<Long> earlier = new HashSet<>();
    Map<Integer, Integer> earlierCounts = new HashMap<>();
    input.before().ifPresent(b -> collectEarlier(b, earlier, earlierCounts));
    double lowerBoundMillis = input.intervalSeconds() * 1000;

    Set<Integer> listenPorts = PeerTally.listenPorts(now.sockets());
    Map<Integer, Group> groups = new TreeMap<>();
    for (SocketRecord s : now.sockets()) {
      if (s.state() != TcpState.CLOSE_WAIT) {
        continue;
      }
      long ageMillis = s.tcpInfo().lastAckRecvMillis();
      boolean seenBefore = earlier.contains(identity(s));
      boolean old =
          minAgeMillis <= 0
              || (ageMillis != TcpInfo.ABSENT
                  ? ageMillis >= minAgeMillis
                  : seenBefore && lowerBoundMillis >= minAgeMillis);
      List<ProcessInfo> owners = now.ownersOf(s);
      if (owners.isEmpty()) {
        groups
            .computeIfAbsent(UNKNOWN_PID, k -> new Group(null, now.ownershipOf(s), listenPorts))
            .add(s, old, ageMillis, seenBefore);
      }
      for (ProcessInfo p : owners) {
        groups
            .computeIfAbsent(p.pid(), k -> new Group(p, Ownership.PROCESS, listenPorts))
            .add(s, old, ageMillis, seenBefore);
      }
    }
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<Integer, Group> e : groups.entrySet()) {
      Group g = e.getValue();
      if (g.old == 0 || g.old < input.config().value(WARNING_COUNT)) {
        continue;
      }
      OptionalLong growth =
          input.before().isPresent()
              ? OptionalLong.of(g.total - earlierCounts.getOrDefault(e.getKey(), 0))
              : OptionalLong.empty();
      out.add(finding(g, growth, input, lowerBoundMillis));
    }
    return out;
  }

  private static void collectEarlier(Snapshot b, Set<Long> ids, Map<Integer, Integer> counts) {
    for (SocketRecord s : b.sockets()) {
      if (s.state() != TcpState.CLOSE_WAIT) {
        continue;
      }
      ids.add(identity(s));
      List<ProcessInfo> owners = b.ownersOf(s);
      if (owners.isEmpty()) {
        counts.merge(UNKNOWN_PID, 1, Integer::sum);
      }
      for (ProcessInfo p : owners) {
        counts.merge(p.pid(), 1, Integer::sum);
      }
    }
  }

  /**
   * What identifies a socket across samples: its cookie (netlink), else its inode (the /proc
   * source; a CLOSE_WAIT socket always has one, as a descriptor still refers to it). The two never
   * mix within one doctor run, which reads both samples from the same source.
   */
  private static long identity(SocketRecord s) {
    return s.cookie() != SocketRecord.ABSENT ? s.cookie() : -s.inode() - 2;
  }

  private Finding finding(
      Group g, OptionalLong growth, DoctorInput input, double lowerBoundMillis) {
    boolean growing = growth.isPresent() && growth.getAsLong() > 0;
    Severity severity =
        g.old >= input.config().value(CRITICAL_COUNT) || growing
            ? Severity.CRITICAL
            : Severity.WARNING;
    String who = g.process == null ? "an unidentified process" : ProcessLabel.of(g.process);
    List<PeerTally.Peer> peers = g.peers.top(TOP_PEERS);

    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        Evidence.of(
            Keys.CLOSE_WAIT_SOCKETS, "CLOSE_WAIT sockets past the minimum age", g.old, "sockets"));
    if (g.total > g.old) {
      evidence.add(
          Evidence.of(
              Keys.CLOSE_WAIT_SOCKETS_TOTAL, "CLOSE_WAIT sockets in all", g.total, "sockets"));
    }
    String age = "";
    if (g.oldestMillis != TcpInfo.ABSENT) {
      evidence.add(
          Evidence.of(
              Keys.OLDEST_CLOSE_WAIT_SECONDS,
              "oldest: time since the peer's FIN",
              g.oldestMillis / 1000.0,
              "s"));
      age = String.format(Locale.ROOT, ", oldest %.0f s", g.oldestMillis / 1000.0);
    } else if (g.seenBefore > 0) {
      evidence.add(
          Evidence.of(
              Keys.CLOSE_WAIT_OLDER_THAN_SECONDS,
              "CLOSE_WAIT in both samples, so older than",
              lowerBoundMillis / 1000.0,
              "s"));
    }
    evidence.add(
        Evidence.of(
            Keys.UNREAD_BYTES, "unread bytes in their receive queues", g.unreadBytes, "bytes"));
    evidence.add(
        Evidence.of(
            Keys.EOF_UNREAD_SOCKETS,
            "sockets whose end-of-file was never read",
            g.eofUnread,
            "sockets"));
    growth.ifPresent(
        d ->
            evidence.add(
                Evidence.of(
                    Keys.CLOSE_WAIT_GROWTH_SOCKETS,
                    "growth since the earlier sample",
                    d,
                    "sockets")));
    for (PeerTally.Peer p : peers) {
      evidence.add(
          Evidence.of(
                  Keys.PEER_CLOSE_WAIT_SOCKETS,
                  "CLOSE_WAIT sockets with peer " + p.peer(),
                  p.sockets(),
                  "sockets")
              .withMember(p.peer()));
    }
    Optional<Headroom> headroom = Optional.empty();
    if (g.process != null && g.process.maxOpenFiles() != ProcessInfo.ABSENT) {
      long used = g.process.openFiles() != ProcessInfo.ABSENT ? g.process.openFiles() : g.total;
      evidence.add(Evidence.of(Keys.OPEN_FILES, "open file descriptors", used, ""));
      evidence.add(
          Evidence.of(Keys.OPEN_FILES_LIMIT, "RLIMIT_NOFILE (soft)", g.process.maxOpenFiles(), ""));
      headroom =
          Optional.of(
              Headroom.growing(
                  "file descriptors of " + who,
                  used,
                  g.process.maxOpenFiles(),
                  "descriptors",
                  input.perSecond(growth).orElse(Double.NaN)));
    }
    String peerText =
        peers.isEmpty()
            ? ""
            : " (peer "
                + peers.getFirst().peer()
                + (g.peers.size() > 1 ? " and " + (g.peers.size() - 1) + " more" : "")
                + ")";
    String title =
        String.format(
            Locale.ROOT,
            "%s has not closed %d connections its peers closed (CLOSE_WAIT%s)%s",
            who,
            g.old,
            age,
            growing ? ", and the number is growing" : "");
    String remediation =
        (g.process == null
                ? "No process was found holding these sockets (it exited meanwhile, or its"
                    + " descriptors are not readable: run as root to name it). "
                : "")
            + (g.process == null ? "The owner" : who)
            + " must close() each socket once read() returns end-of-file"
            + peerText
            + ": look for a close() missing on error paths, response bodies or streams that are"
            + " never consumed and closed, and pooled connections that are never returned or"
            + " evicted."
            + (g.eofUnread > 0
                ? " "
                    + g.eofUnread
                    + " of them still hold the unread end-of-file: nothing reads those sockets"
                    + " any more."
                : "")
            + " Restarting the process frees them; the leak comes back until the code is fixed.";
    return new Finding(
        id(),
        g.process == null ? "unknown" : who,
        severity,
        title,
        new Subject(
            g.process == null ? List.of() : List.of(who),
            peers.isEmpty() ? "" : peers.getFirst().peer(),
            g.peers.topLocal(),
            g.process == null ? "owner " + g.ownership.label() : ""),
        evidence,
        headroom,
        remediation);
  }

  /** The CLOSE_WAIT sockets of one process (or of no known process). */
  private static final class Group {
    final ProcessInfo process;
    final Ownership ownership;
    final PeerTally peers;
    int total;
    int old;
    int seenBefore;
    int eofUnread;
    long unreadBytes;
    long oldestMillis = TcpInfo.ABSENT;

    Group(ProcessInfo process, Ownership ownership, Set<Integer> listenPorts) {
      this.process = process;
      this.ownership = ownership;
      this.peers = new PeerTally(listenPorts);
    }

    void add(SocketRecord s, boolean isOld, long ageMillis, boolean wasSeenBefore) {
      total++;
      if (!isOld) {
        return;
      }
      old++;
      seenBefore += wasSeenBefore ? 1 : 0;
      eofUnread += UnreadData.eofUnread(s) ? 1 : 0;
      unreadBytes += UnreadData.bytes(s);
      oldestMillis = Math.max(oldestMillis, ageMillis);
      peers.add(s);
    }
  }
}
