package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.node;
import static io.sockwatch.analysis.LeakInputs.snapshot;
import static io.sockwatch.analysis.LeakInputs.sock;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.Doctor;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.ConditionCheck;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport.Verdict;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Doctor#check}: only the condition's detectors run, the findings that set it make it true,
 * and a node-wide detector that cannot see its input makes an otherwise clean answer "unknown"
 * rather than "ok".
 */
class ConditionCheckTest {

  private static final ProcessInfo LEAKER = new ProcessInfo(4242, "leaker", "leaker");

  /** One process holding two CLOSE_WAIT sockets whose peers closed 5 minutes ago. */
  private static LeakInputs.Snap leak() {
    LeakInputs.Snap s = snapshot();
    for (int i = 0; i < 2; i++) {
      s.add(
          sock(TcpState.CLOSE_WAIT, "10.0.0.1", 8080, "10.0.0.2", 40000 + i)
              .inode(10 + i)
              .agedMillis(300_000)
              .build(),
          LEAKER);
    }
    return s;
  }

  private static ConditionCheck check(NodeCondition c, Snapshot s) {
    return Doctor.check(c, Optional.empty(), NodeScan.single(s), 0, DoctorConfig.DEFAULTS);
  }

  @Test
  void aCloseWaitLeakSetsSocketLeakAndNothingElse() {
    Snapshot s =
        leak()
            .node(
                node()
                    .tcp("mem", 10)
                    .tcpMem(1000, 2000, 4000)
                    .tcp("orphan", 0)
                    .maxOrphans(4096)
                    .build())
            .build();

    ConditionCheck leak = check(NodeCondition.SOCKET_LEAK, s);
    assertThat(leak.verdict()).isEqualTo(Verdict.PROBLEM);
    assertThat(leak.setting()).extracting(f -> f.detector()).containsExactly("close-wait");
    assertThat(leak.setting().getFirst().title()).startsWith("leaker(4242)");
    assertThat(leak.undecided()).isEmpty();
    // Only the condition's detectors ran: close-wait (socket-leak is the agent's).
    assertThat(leak.report().detectorCount()).isEqualTo(1);

    for (NodeCondition other :
        new NodeCondition[] {
          NodeCondition.TCP_MEMORY_PRESSURE,
          NodeCondition.EPHEMERAL_PORT_PRESSURE,
          NodeCondition.CONNTRACK_PRESSURE
        }) {
      ConditionCheck c = check(other, s);
      assertThat(c.verdict()).as(other.type()).isEqualTo(Verdict.OK);
      assertThat(c.report().findings()).as(other.type()).isEmpty();
    }
  }

  @Test
  void findingsBelowTheConditionsSeverityDoNotSetIt() {
    // Above tcp_mem min but below pressure: the detector's INFO note, not a condition.
    Snapshot s =
        snapshot()
            .node(
                node()
                    .tcp("mem", 1500)
                    .tcpMem(1000, 2000, 4000)
                    .tcp("orphan", 0)
                    .maxOrphans(4096)
                    .build())
            .build();
    ConditionCheck c = check(NodeCondition.TCP_MEMORY_PRESSURE, s);
    assertThat(c.report().findings()).extracting(f -> f.severity()).containsExactly(Severity.INFO);
    assertThat(c.setting()).isEmpty();
    assertThat(c.verdict()).isEqualTo(Verdict.OK);
  }

  @Test
  void tcpMemoryAtPressureSetsTheCondition() {
    Snapshot s =
        snapshot()
            .node(
                node()
                    .tcp("mem", 2000)
                    .tcpMem(1000, 2000, 4000)
                    .tcp("orphan", 0)
                    .maxOrphans(4096)
                    .build())
            .build();
    ConditionCheck c = check(NodeCondition.TCP_MEMORY_PRESSURE, s);
    assertThat(c.verdict()).isEqualTo(Verdict.PROBLEM);
    assertThat(c.setting()).extracting(f -> f.detector()).containsExactly("tcp-memory");
  }

  @Test
  void withoutTheNodeWideLimitsTcpMemoryPressureIsUnknownNotOk() {
    // What a container's own network namespace shows: counters, but no tcp_mem or
    // tcp_max_orphans.
    Snapshot s = snapshot().node(node().tcp("mem", 10).tcp("orphan", 0).build()).build();
    ConditionCheck c = check(NodeCondition.TCP_MEMORY_PRESSURE, s);
    assertThat(c.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(c.undecided())
        .containsExactly(
            "tcp-memory: tcp_mem not readable", "orphans: tcp_max_orphans not readable");
  }

  @Test
  void aFindingStillCountsWhenAnotherDetectorCouldNotJudge() {
    // Orphans at 90% of tcp_max_orphans, tcp_mem missing: what was found is true.
    Snapshot s =
        snapshot().node(node().tcp("mem", 10).tcp("orphan", 900).maxOrphans(1000).build()).build();
    ConditionCheck c = check(NodeCondition.TCP_MEMORY_PRESSURE, s);
    assertThat(c.verdict()).isEqualTo(Verdict.PROBLEM);
    assertThat(c.undecided()).containsExactly("tcp-memory: tcp_mem not readable");
  }

  @Test
  void noConntrackModuleIsNoPressureRatherThanUnknown() {
    ConditionCheck c = check(NodeCondition.CONNTRACK_PRESSURE, snapshot().build());
    assertThat(c.verdict()).isEqualTo(Verdict.OK);
  }
}
