package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.evidence;
import static io.sockwatch.analysis.LeakInputs.hasEvidence;
import static io.sockwatch.analysis.LeakInputs.node;
import static io.sockwatch.analysis.LeakInputs.once;
import static io.sockwatch.analysis.LeakInputs.snapshot;
import static io.sockwatch.analysis.LeakInputs.sock;
import static io.sockwatch.analysis.LeakInputs.twice;
import static io.sockwatch.analysis.LeakInputs.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpMemoryDetectorTest {

  private static final ProcessInfo LEAKER = new ProcessInfo(100, "leaker", "leaker");
  private static final ProcessInfo OTHER = new ProcessInfo(200, "other", "other");

  private final TcpMemoryDetector detector = new TcpMemoryDetector();

  private static NodeStats mem(long pages) {
    return node().tcp("mem", pages).tcpMem(1000, 2000, 4000).build();
  }

  /** leaker: 3 CLOSE_WAIT sockets with 64 KiB unread each; other: one busy socket; one orphan. */
  private static LeakInputs.Snap consumers() {
    LeakInputs.Snap s = snapshot();
    for (int i = 0; i < 3; i++) {
      s.add(
          sock(TcpState.CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.2", 40000 + i)
              .inode(10 + i)
              .recvQ(65_537)
              .skMem(new SkMemInfo(68_864, 131_072, 0, 16_384, 768, 0, 0, 0, 0))
              .build(),
          LEAKER);
    }
    s.add(
        sock(TcpState.ESTABLISHED, "10.0.0.1", 5000, "10.0.0.3", 443)
            .inode(20)
            .skMem(new SkMemInfo(0, 131_072, 0, 16_384, 4096, 20_000, 0, 0, 0))
            .build(),
        OTHER);
    s.add(
        sock(TcpState.FIN_WAIT1, "10.0.0.1", 5001, "10.0.0.3", 443)
            .sendQ(1000)
            .skMem(new SkMemInfo(0, 0, 0, 0, 0, 3000, 0, 0, 0))
            .build());
    s.add(sock(TcpState.TIME_WAIT, "10.0.0.1", 5002, "10.0.0.3", 443).build()); // no skmem
    return s;
  }

  @Test
  void belowMinIsNothing() {
    assertThat(detector.detect(once(consumers().node(mem(999)).build()))).isEmpty();
  }

  @Test
  void aboveMinIsANote() {
    Finding f = detector.detect(once(consumers().node(mem(1000)).build())).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.title()).contains("50% of the pressure threshold");
  }

  @Test
  void atPressureIsAWarningNamingTheTopConsumerWithItsNumbers() {
    Finding f = detector.detect(once(consumers().node(mem(2000)).build())).getFirst();

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.title()).contains("above tcp_mem pressure");
    assertThat(evidence(f, "tcp_memory_pages")).isEqualTo(2000);
    assertThat(evidence(f, "tcp_mem_min_pages")).isEqualTo(1000);
    assertThat(evidence(f, "tcp_mem_pressure_pages")).isEqualTo(2000);
    assertThat(evidence(f, "tcp_mem_max_pages")).isEqualTo(4000);
    // chargedBytes = rmem_alloc + wmem_queued + fwd_alloc, summed per owner.
    assertThat(evidence(f, "process_socket_memory_bytes", "leaker(100)"))
        .isEqualTo(3 * (68_864 + 768));
    assertThat(evidence(f, "process_sockets", "leaker(100)")).isEqualTo(3);
    assertThat(evidence(f, "process_close_wait_sockets", "leaker(100)")).isEqualTo(3);
    assertThat(evidence(f, "process_unread_bytes", "leaker(100)")).isEqualTo(3 * 65_536);
    assertThat(evidence(f, "process_socket_memory_bytes", "other(200)")).isEqualTo(24_096);
    assertThat(evidence(f, "process_socket_memory_bytes", "orphaned sockets (no process)"))
        .isEqualTo(3000);
    assertThat(evidence(f, "socket_memory_bytes")).isEqualTo(3 * (68_864 + 768) + 24_096 + 3000);
    // Processes, most memory first; the orphan group is evidence, not a process.
    assertThat(f.subject().processes()).containsExactly("leaker(100)", "other(200)");
    assertThat(f.subject().scope()).startsWith("node");
    assertThat(f.headroom())
        .hasValueSatisfying(
            h -> {
              assertThat(h.used()).isEqualTo(2000);
              assertThat(h.limit()).isEqualTo(4000);
              assertThat(h.unit()).isEqualTo("pages");
              assertThat(h.secondsToLimit()).isEmpty();
            });
    assertThat(f.remediation()).contains("leaker(100)", "3 in CLOSE_WAIT", "4 KiB pages");
    // One sample: no deltas rather than zeros.
    assertThat(hasEvidence(f, "tcp_memory_pressures")).isFalse();
  }

  @Test
  void warningThresholdIsAFractionOfPressure() {
    Snapshot s = consumers().node(mem(1700)).build();
    assertThat(detector.detect(once(s)).getFirst().severity()).isEqualTo(Severity.INFO);
    Finding f = detector.detect(with(once(s), Map.of("tcp-memory.warning", 0.8))).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.title()).contains("85% of tcp_mem pressure");
  }

  @Test
  void nearMaxIsCriticalWithTimeToMaxFromGrowth() {
    Snapshot before =
        consumers()
            .node(
                node()
                    .tcp("mem", 3500)
                    .tcpMem(1000, 2000, 4000)
                    .tcpExt("TCPMemoryPressures", 7)
                    .tcpExt("TCPAbortOnMemory", 0)
                    .build())
            .build();
    Snapshot after =
        consumers()
            .node(
                node()
                    .tcp("mem", 3600)
                    .tcpMem(1000, 2000, 4000)
                    .tcpExt("TCPMemoryPressures", 8)
                    .tcpExt("TCPAbortOnMemory", 0)
                    .build())
            .build();
    Finding f = detector.detect(twice(before, after, 2)).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).contains("90% of tcp_mem max");
    assertThat(evidence(f, "tcp_memory_growth_pages")).isEqualTo(100);
    assertThat(evidence(f, "tcp_memory_pressures")).isEqualTo(1);
    assertThat(evidence(f, "tcp_abort_on_memory")).isZero();
    // 400 pages left at 50 pages/s.
    assertThat(f.headroom().get().secondsToLimit()).hasValue(8.0);
  }

  @Test
  void abortsOnMemoryMakeItCriticalOnlyWhenMemoryIsAboveMin() {
    NodeStats b =
        node().tcp("mem", 1200).tcpMem(1000, 2000, 4000).tcpExt("TCPAbortOnMemory", 5).build();
    NodeStats a =
        node().tcp("mem", 1100).tcpMem(1000, 2000, 4000).tcpExt("TCPAbortOnMemory", 9).build();
    Finding f =
        detector
            .detect(twice(consumers().node(b).build(), consumers().node(a).build(), 2))
            .getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).startsWith("The kernel reset 4 connections for lack of TCP memory");
    assertThat(f.headroom().get().secondsToLimit()).as("shrinking").isEmpty();

    // Orphan overflow also counts in TCPAbortOnMemory; with little TCP memory it is not ours.
    NodeStats low =
        node().tcp("mem", 10).tcpMem(1000, 2000, 4000).tcpExt("TCPAbortOnMemory", 9).build();
    assertThat(
            detector.detect(twice(consumers().node(b).build(), consumers().node(low).build(), 2)))
        .isEmpty();
  }

  @Test
  void withoutPerSocketMemoryTheFindingStaysAndSaysWhy() {
    Snapshot s =
        snapshot()
            .add(
                sock(TcpState.CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.2", 1)
                    .inode(3)
                    .recvQ(9)
                    .build(),
                LEAKER)
            .node(mem(2500))
            .build();
    Finding f = detector.detect(once(s)).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.subject().processes()).isEmpty();
    assertThat(f.remediation()).contains("Per-socket memory was not available");
  }

  @Test
  void absentCountersOrLimitsGiveNoFindingAndNoException() {
    // tcp_mem is only visible in the initial network namespace.
    Snapshot noLimits = consumers().node(node().tcp("mem", 999_999).build()).build();
    assertThat(detector.detect(once(noLimits))).isEmpty();
    Snapshot noMem = consumers().node(node().tcpMem(1, 2, 3).build()).build();
    assertThat(detector.detect(once(noMem))).isEmpty();
    Snapshot zeroMax = consumers().node(node().tcp("mem", 5).tcpMem(0, 0, 0).build()).build();
    assertThat(detector.detect(once(zeroMax))).isEmpty();
    // Two samples, the earlier one without counters: no growth, no deltas, still a finding.
    Snapshot bare = consumers().node(node().build()).build();
    Finding f = detector.detect(twice(bare, consumers().node(mem(2000)).build(), 2)).getFirst();
    assertThat(hasEvidence(f, "tcp_memory_growth_pages")).isFalse();
    assertThat(hasEvidence(f, "tcp_abort_on_memory")).isFalse();
  }

  @Test
  void consumersAreOrderedByMemoryAndThoseHoldingNoneLeftOut() {
    ProcessInfo idle = new ProcessInfo(300, "idle", "idle");
    Snapshot s =
        consumers()
            .add(
                sock(TcpState.LISTEN, "10.0.0.1", 9000, "0.0.0.0", 0)
                    .inode(30)
                    .skMem(new SkMemInfo(0, 0, 0, 0, 0, 0, 0, 0, 0))
                    .build(),
                idle)
            .build();
    List<TcpMemoryDetector.Consumer> c = TcpMemoryDetector.consumers(s);
    assertThat(c)
        .extracting(x -> x.name)
        .containsExactly("leaker(100)", "other(200)", "orphaned sockets (no process)");
  }
}
