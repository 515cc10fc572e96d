package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.node;
import static io.sockwatch.analysis.LeakInputs.once;
import static io.sockwatch.analysis.LeakInputs.snapshot;
import static io.sockwatch.analysis.LeakInputs.twice;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.snapshot.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DoctorInputTest {

  private static Snapshot with(NodeStats n) {
    return snapshot().node(n).build();
  }

  private static final Snapshot BEFORE =
      with(node().tcp("orphan", 40).tcp("mem", 3600).tcpExt("TCPAbortOnMemory", 5).build());
  private static final Snapshot AFTER =
      with(
          node()
              .tcp("orphan", 60)
              .tcp("mem", 3500)
              .tcp("tw", 900)
              .tcpExt("TCPAbortOnMemory", 9)
              .build());

  @Test
  void sockstatDeltaIsTheChangeOfOneFieldBetweenTheSamples() {
    DoctorInput in = twice(BEFORE, AFTER, 4);
    assertThat(in.sockstatDelta("TCP", "orphan")).hasValue(20);
    assertThat(in.sockstatDelta("TCP", "mem")).as("shrinking").hasValue(-100);
    assertThat(in.perSecond(in.sockstatDelta("TCP", "orphan"))).hasValue(5.0);
    assertThat(in.perSecond(in.sockstatDelta("TCP", "mem"))).hasValue(-25.0);
    assertThat(in.counterDelta("TcpExt", "TCPAbortOnMemory")).hasValue(4);
  }

  @Test
  void aFieldMissingFromEitherSampleHasNoDelta() {
    DoctorInput in = twice(BEFORE, AFTER, 4);
    assertThat(in.sockstatDelta("TCP", "tw")).as("only in the later sample").isEmpty();
    assertThat(twice(AFTER, BEFORE, 4).sockstatDelta("TCP", "tw")).as("only earlier").isEmpty();
    assertThat(in.sockstatDelta("TCP6", "inuse")).isEmpty();
    assertThat(in.perSecond(in.sockstatDelta("TCP", "tw"))).isEmpty();
  }

  @Test
  void oneSampleOrAnEarlierOneWithoutNodeCountersHasNoDelta() {
    assertThat(once(AFTER).sockstatDelta("TCP", "orphan")).isEmpty();
    Snapshot bare =
        new Snapshot(
            Instant.EPOCH,
            "netlink",
            List.of(),
            SocketOwners.EMPTY,
            true,
            Optional.empty(),
            List.of());
    DoctorInput in = new DoctorInput(Optional.of(bare), AFTER, 4, DoctorConfig.DEFAULTS);
    assertThat(in.sockstatDelta("TCP", "orphan")).isEmpty();
    assertThat(in.counterDelta("TcpExt", "TCPAbortOnMemory")).isEmpty();
  }

  @Test
  void anyNodeFigureHasADeltaAndARateNeedsAPositiveInterval() {
    DoctorInput in = twice(BEFORE, AFTER, 4);
    assertThat(in.nodeDelta(n -> n.sockstat("TCP", "orphan"))).hasValue(20);
    assertThat(in.nodeDelta(n -> n.tunables().conntrackCount())).isEmpty();
    DoctorInput noInterval = twice(BEFORE, AFTER, 0);
    assertThat(noInterval.sockstatDelta("TCP", "orphan")).hasValue(20);
    assertThat(noInterval.perSecond(noInterval.sockstatDelta("TCP", "orphan"))).isEmpty();
    assertThat(in.perSecond(OptionalLong.empty())).isEmpty();
  }
}
