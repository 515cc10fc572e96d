package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.evidence;
import static io.sockwatch.analysis.LeakInputs.hasEvidence;
import static io.sockwatch.analysis.LeakInputs.once;
import static io.sockwatch.analysis.LeakInputs.snapshot;
import static io.sockwatch.analysis.LeakInputs.sock;
import static io.sockwatch.analysis.LeakInputs.twice;
import static io.sockwatch.analysis.LeakInputs.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloseWaitDetectorTest {

  private static final ProcessInfo SERVER = new ProcessInfo(100, "server", "server", 50, 1024);
  private static final ProcessInfo CLIENT = new ProcessInfo(200, "client", "client");
  private static final SocketRecord LISTENER =
      sock(TcpState.LISTEN, "10.0.0.1", 8080, "0.0.0.0", 0).inode(1).build();

  private final CloseWaitDetector detector = new CloseWaitDetector();

  /** A CLOSE_WAIT socket of a client of the server on 10.0.0.1:8080. */
  private static SocketRecord inbound(int n, String client, long ageMillis, long recvQ) {
    return sock(TcpState.CLOSE_WAIT, "10.0.0.1", 8080, client, 40000 + n)
        .cookie(1000 + n)
        .inode(1000 + n)
        .recvQ(recvQ)
        .agedMillis(ageMillis)
        .build();
  }

  private static LeakInputs.Snap serverWith(SocketRecord... closeWait) {
    LeakInputs.Snap s = snapshot().add(LISTENER, SERVER);
    for (SocketRecord r : closeWait) {
      s.add(r, SERVER);
    }
    return s;
  }

  @Test
  void agedCloseWaitOfAServerIsAWarningWithProcessPeersAgeAndUnreadBytes() {
    SocketRecord[] sockets = {
      inbound(1, "10.0.0.2", 120_000, 65_537),
      inbound(2, "10.0.0.2", 90_000, 65_537),
      inbound(3, "10.0.0.3", 61_000, 1),
      inbound(4, "10.0.0.3", 5_000, 101), // younger than close-wait.min-age: not counted
    };
    Snapshot s = serverWith(sockets).build();
    List<Finding> findings = detector.detect(twice(s, s, 2));

    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.id()).isEqualTo("close-wait/server(100)");
    assertThat(f.subject().processes()).containsExactly("server(100)");
    assertThat(f.subject().destination()).isEqualTo("10.0.0.2");
    assertThat(f.subject().local()).isEqualTo("10.0.0.1:8080");
    assertThat(evidence(f, "close_wait_sockets")).isEqualTo(3);
    assertThat(evidence(f, "close_wait_sockets_total")).isEqualTo(4);
    assertThat(evidence(f, "oldest_close_wait_seconds")).isEqualTo(120);
    // The FIN takes one sequence number of the queue until the application reads EOF.
    assertThat(evidence(f, "unread_bytes")).isEqualTo(2 * 65_536);
    assertThat(evidence(f, "eof_unread_sockets")).isEqualTo(3);
    assertThat(evidence(f, "close_wait_growth_sockets")).isZero();
    assertThat(evidence(f, "peer_close_wait_sockets", "10.0.0.2")).isEqualTo(2);
    assertThat(evidence(f, "peer_close_wait_sockets", "10.0.0.3")).isEqualTo(1);
    assertThat(evidence(f, "open_files")).isEqualTo(50);
    assertThat(evidence(f, "open_files_limit")).isEqualTo(1024);
    assertThat(f.headroom())
        .hasValueSatisfying(
            h -> {
              assertThat(h.used()).isEqualTo(50);
              assertThat(h.limit()).isEqualTo(1024);
              assertThat(h.secondsToLimit()).isEmpty();
            });
    assertThat(f.title()).contains("server(100)", "3 connections", "oldest 120 s");
    assertThat(f.remediation()).contains("server(100)", "close()", "peer 10.0.0.2 and 1 more");
    assertThat(f.docPath()).isEqualTo("docs/detectors/close-wait.md");
  }

  @Test
  void growthBetweenSamplesIsCriticalWithTimeToTheDescriptorLimit() {
    ProcessInfo nearLimit = new ProcessInfo(100, "server", "server", 1000, 1024);
    LeakInputs.Snap before = snapshot().add(LISTENER, nearLimit);
    LeakInputs.Snap after = snapshot().add(LISTENER, nearLimit);
    for (int i = 0; i < 6; i++) {
      SocketRecord r = inbound(i, "10.0.0.2", 70_000, 1);
      after.add(r, nearLimit);
      if (i < 2) {
        before.add(r, nearLimit);
      }
    }
    Finding f = detector.detect(twice(before.build(), after.build(), 2)).getFirst();

    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(f, "close_wait_growth_sockets")).isEqualTo(4);
    // 24 descriptors left at 2 new CLOSE_WAIT sockets per second.
    assertThat(f.headroom().get().secondsToLimit()).hasValue(12.0);
    assertThat(f.title()).contains("growing");
  }

  @Test
  void criticalCountIsCriticalEvenWithOneSample() {
    LeakInputs.Snap s = snapshot().add(LISTENER, SERVER);
    for (int i = 0; i < 100; i++) {
      s.add(inbound(i, "10.0.0.2", 3_600_000, 1), SERVER);
    }
    Finding f = detector.detect(once(s.build())).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(hasEvidence(f, "close_wait_growth_sockets")).isFalse();
    assertThat(f.headroom().get().secondsToLimit()).isEmpty();
  }

  @Test
  void outboundPeersAreNamedByAddressAndPortAndReadEofCountsNoUnreadData() {
    Snapshot s =
        snapshot()
            .add(
                sock(TcpState.CLOSE_WAIT, "10.0.0.1", 51000, "10.0.0.7", 5432)
                    .inode(7)
                    .agedMillis(300_000)
                    .build(),
                CLIENT)
            .build();
    Finding f = detector.detect(once(s)).getFirst();
    assertThat(f.subject().processes()).containsExactly("client(200)");
    assertThat(f.subject().destination()).isEqualTo("10.0.0.7:5432");
    assertThat(f.subject().local()).isEmpty();
    assertThat(evidence(f, "unread_bytes")).isZero();
    assertThat(evidence(f, "eof_unread_sockets")).isZero();
    // No descriptor figures for this process: no headroom rather than a made-up one.
    assertThat(f.headroom()).isEmpty();
    assertThat(hasEvidence(f, "open_files_limit")).isFalse();
  }

  @Test
  void oneProcessLeakingToManyPeersOnOnePortIsOneFinding() {
    // a prober that never closes what its 19 peers on 8558 closed: one leak, not 19
    LeakInputs.Snap b = snapshot();
    for (int j = 0; j < 19; j++) {
      b.add(
          sock(TcpState.CLOSE_WAIT, "127.0.0.10", 41000 + j, "127.0.0." + (11 + j), 8558)
              .inode(100 + j)
              .agedMillis(300_000)
              .build(),
          CLIENT);
    }
    List<Finding> findings = detector.detect(once(b.build()));
    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.subject().processes()).containsExactly("client(200)");
    assertThat(evidence(f, "close_wait_sockets")).isEqualTo(19);
    assertThat(f.remediation()).contains("and 18 more");
  }

  @Test
  void minimumAgeIsConfigurable() {
    Snapshot s = serverWith(inbound(1, "10.0.0.2", 2_000, 1)).build();
    assertThat(detector.detect(once(s))).isEmpty();
    assertThat(detector.detect(with(once(s), Map.of("close-wait.min-age", 1.0)))).hasSize(1);
    assertThat(detector.detect(with(once(s), Map.of("close-wait.min-age", 0.0)))).hasSize(1);
    assertThat(detector.detect(with(once(s), Map.of("close-wait.warning-count", 2.0)))).isEmpty();
  }

  @Test
  void withoutTcpInfoPresenceInBothSamplesIsTheAgeLowerBound() {
    SocketRecord proc =
        sock(TcpState.CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.2", 40001).inode(9).recvQ(1).build();
    Snapshot s = serverWith(proc).build();
    Snapshot without = serverWith().build();
    // Default minimum age 60 s: a 2 s interval proves too little.
    assertThat(detector.detect(twice(s, s, 2))).isEmpty();
    var lowAge = Map.of("close-wait.min-age", 2.0);
    Finding f = detector.detect(with(twice(s, s, 2), lowAge)).getFirst();
    assertThat(evidence(f, "close_wait_older_than_seconds")).isEqualTo(2);
    assertThat(hasEvidence(f, "oldest_close_wait_seconds")).isFalse();
    // New since the earlier sample: its age is unknown, so it is not counted.
    assertThat(detector.detect(with(twice(without, s, 2), lowAge))).isEmpty();
  }

  @Test
  void socketsWithoutAFoundOwnerAreReportedAsSuch() {
    Snapshot s =
        snapshot()
            .add(
                sock(TcpState.CLOSE_WAIT, "10.0.0.1", 5000, "10.0.0.9", 80)
                    .inode(5)
                    .agedMillis(90_000)
                    .build())
            .build();
    Finding f = detector.detect(once(s)).getFirst();
    assertThat(f.key()).isEqualTo("unknown");
    assertThat(f.subject().processes()).isEmpty();
    assertThat(f.subject().scope()).isEqualTo("owner unknown");
    assertThat(f.remediation()).contains("run as root");
  }

  @Test
  void aSharedSocketCountsForEachHolder() {
    ProcessInfo child = new ProcessInfo(101, "worker", "worker");
    Snapshot s = snapshot().add(inbound(1, "10.0.0.2", 90_000, 1), SERVER, child).build();
    assertThat(detector.detect(once(s)))
        .extracting(Finding::key)
        .containsExactlyInAnyOrder("server(100)", "worker(101)");
  }

  @Test
  void nothingToReportWithEverythingAbsent() {
    Snapshot empty = snapshot().unattributed().build();
    assertThat(detector.detect(once(empty))).isEmpty();
    Snapshot noCloseWait =
        snapshot().add(sock(TcpState.ESTABLISHED, "10.0.0.1", 1, "10.0.0.2", 2).build()).build();
    assertThat(detector.detect(twice(noCloseWait, noCloseWait, 2))).isEmpty();
  }

  @Test
  void thresholdsAreNamedAfterTheDetector() {
    assertThat(detector.thresholds())
        .extracting(Threshold::name)
        .containsExactly(
            "close-wait.min-age", "close-wait.warning-count", "close-wait.critical-count");
    assertThat(Detectors.all())
        .extracting(Detector::id)
        .contains("close-wait", "orphans", "tcp-memory");
  }
}
