package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.evidence;
import static io.sockwatch.analysis.LeakInputs.hasEvidence;
import static io.sockwatch.analysis.LeakInputs.node;
import static io.sockwatch.analysis.LeakInputs.once;
import static io.sockwatch.analysis.LeakInputs.snapshot;
import static io.sockwatch.analysis.LeakInputs.sock;
import static io.sockwatch.analysis.LeakInputs.twice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

class OrphanDetectorTest {

  private final OrphanDetector detector = new OrphanDetector();

  private static NodeStats orphans(long n, long abortOnMemory, long abortOnClose) {
    return node()
        .tcp("orphan", n)
        .maxOrphans(100)
        .tcpExt("TCPAbortOnMemory", abortOnMemory)
        .tcpExt("TCPAbortOnClose", abortOnClose)
        .build();
  }

  /** Orphans of this namespace: 3 to 10.0.0.7:443 and 1 LAST_ACK of a client of port 80. */
  private static LeakInputs.Snap table() {
    LeakInputs.Snap s = snapshot();
    s.add(
        sock(TcpState.LISTEN, "10.0.0.1", 80, "0.0.0.0", 0).inode(1).build(),
        new io.sockwatch.model.ProcessInfo(1, "web", "web"));
    for (int i = 0; i < 3; i++) {
      s.add(sock(TcpState.FIN_WAIT1, "10.0.0.1", 50000 + i, "10.0.0.7", 443).sendQ(4096).build());
    }
    s.add(sock(TcpState.LAST_ACK, "10.0.0.1", 80, "10.0.0.9", 33333).build());
    // A FIN_WAIT2 time-wait mini-socket: no inode either, but not an orphan to the kernel.
    s.add(
        sock(TcpState.FIN_WAIT2, "10.0.0.1", 50010, "10.0.0.7", 443)
            .timer(SocketTimer.TIME_WAIT)
            .build());
    return s;
  }

  @Test
  void belowHalfTheLimitIsNothing() {
    assertThat(detector.detect(once(table().node(orphans(49, 0, 0)).build()))).isEmpty();
  }

  @Test
  void halfTheLimitIsAWarningWithEvidenceAndThePeer() {
    Snapshot before = table().node(orphans(40, 3, 10)).build();
    Snapshot after = table().node(orphans(50, 5, 11)).build();
    Finding f = detector.detect(twice(before, after, 2)).getFirst();

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.title()).startsWith("50 orphaned TCP sockets: 50% of tcp_max_orphans");
    assertThat(evidence(f, "orphan_sockets")).isEqualTo(50);
    assertThat(evidence(f, "tcp_max_orphans")).isEqualTo(100);
    assertThat(evidence(f, "orphan_growth_sockets")).isEqualTo(10);
    assertThat(evidence(f, "tcp_abort_on_memory")).isEqualTo(2);
    assertThat(evidence(f, "tcp_abort_on_close")).isEqualTo(1);
    assertThat(evidence(f, "state_orphan_sockets", "FIN-WAIT-1")).isEqualTo(3);
    assertThat(evidence(f, "state_orphan_sockets", "LAST-ACK")).isEqualTo(1);
    assertThat(hasEvidence(f, "state_orphan_sockets", "FIN-WAIT-2")).isFalse();
    assertThat(evidence(f, "peer_orphan_sockets", "10.0.0.7:443")).isEqualTo(3);
    assertThat(evidence(f, "peer_orphan_sockets", "10.0.0.9")).isEqualTo(1);
    assertThat(f.subject().destination()).isEqualTo("10.0.0.7:443");
    assertThat(f.subject().scope()).isEqualTo("node");
    // 50 left at 5 per second.
    assertThat(f.headroom())
        .hasValueSatisfying(
            h -> {
              assertThat(h.used()).isEqualTo(50);
              assertThat(h.limit()).isEqualTo(100);
              assertThat(h.secondsToLimit()).hasValue(10.0);
            });
    assertThat(f.remediation()).contains("10.0.0.7:443", "tcp_max_orphans", "tcp_orphan_retries");
  }

  @Test
  void eightyPercentIsCritical() {
    Finding f = detector.detect(once(table().node(orphans(80, 0, 0)).build())).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(hasEvidence(f, "tcp_abort_on_memory")).isFalse();
  }

  @Test
  void orphansElsewhereStillCountWithoutAPeer() {
    Finding f = detector.detect(once(snapshot().node(orphans(90, 0, 0)).build())).getFirst();
    assertThat(f.subject().destination()).isEmpty();
    assertThat(f.remediation()).contains("other network namespaces");
  }

  @Test
  void absentCountersOrLimitGiveNoFindingAndNoException() {
    // tcp_max_orphans is only visible in the initial network namespace.
    assertThat(detector.detect(once(table().node(node().tcp("orphan", 500).build()).build())))
        .isEmpty();
    assertThat(detector.detect(once(table().node(node().maxOrphans(10).build()).build())))
        .isEmpty();
    assertThat(
            detector.detect(
                once(table().node(node().tcp("orphan", 5).maxOrphans(0).build()).build())))
        .isEmpty();
    Snapshot bare = table().node(node().build()).build();
    Finding f = detector.detect(twice(bare, table().node(orphans(60, 0, 0)).build(), 2)).getFirst();
    assertThat(hasEvidence(f, "orphan_growth_sockets")).isFalse();
    assertThat(hasEvidence(f, "tcp_abort_on_close")).isFalse();
  }
}
