package io.sockwatch.kernel.bpf;

import static io.sockwatch.kernel.bpf.EventLayout.FLAG_ACTIVE;
import static io.sockwatch.kernel.bpf.EventLayout.FLAG_PASSIVE;
import static io.sockwatch.kernel.bpf.EventLayout.FLAG_RESET;
import static io.sockwatch.kernel.bpf.EventLayout.TCP_CLOSE;
import static io.sockwatch.kernel.bpf.EventLayout.TCP_CLOSE_WAIT;
import static io.sockwatch.kernel.bpf.EventLayout.TCP_ESTABLISHED;
import static io.sockwatch.kernel.bpf.EventLayout.TCP_FIN_WAIT1;
import static io.sockwatch.kernel.bpf.EventLayout.TCP_SYN_SENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import io.sockwatch.model.events.ConnectionEvent.Direction;
import io.sockwatch.model.events.ConnectionEvent.Outcome;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.EndedConnections;
import io.sockwatch.model.events.ListenerActivity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ended connections into one window's tallies, with a fixed naming of processes and cgroups. */
class FlowAggregatorTest {

  private static final long S = 1_000_000_000L;
  private static final IpAddress LOCAL = IpAddress.parse("10.0.0.1");
  private static final IpAddress PEER = IpAddress.parse("10.0.0.9");
  private static final IpAddress OTHER = IpAddress.parse("10.0.0.10");

  /** Names a process "p<tgid>" and cgroup n "ctr-n"; records how often it was asked. */
  private static final class FakeLabels implements FlowAggregator.Labels {
    int comms;

    @Override
    public String comm(int tgid, String threadComm) {
      comms++;
      return tgid == 666 ? threadComm : "p" + tgid;
    }

    @Override
    public String container(long cgroupId) {
      return cgroupId == 0 ? "" : "ctr-" + cgroupId;
    }
  }

  private final FakeLabels labels = new FakeLabels();
  private final FlowAggregator agg = new FlowAggregator(labels);

  @Test
  void outcomeFromTheStateTheConnectionLeft() {
    assertThat(outcome(TCP_SYN_SENT, FLAG_ACTIVE | FLAG_RESET, 10 * S, 12 * S))
        .isEqualTo(Outcome.REFUSED);
    // A reset wins over the time it took.
    assertThat(outcome(TCP_SYN_SENT, FLAG_ACTIVE | FLAG_RESET, 10 * S, 10 * S + 1))
        .isEqualTo(Outcome.REFUSED);
    assertThat(outcome(TCP_SYN_SENT, FLAG_ACTIVE, 10 * S, 11 * S)).isEqualTo(Outcome.TIMED_OUT);
    assertThat(outcome(TCP_SYN_SENT, FLAG_ACTIVE, 10 * S, 140 * S)).isEqualTo(Outcome.TIMED_OUT);
    assertThat(outcome(TCP_SYN_SENT, FLAG_ACTIVE, 10 * S, 11 * S - 1)).isEqualTo(Outcome.FAILED);
    // Unknown start: how long it tried is not known, so not a timeout.
    assertThat(outcome(TCP_SYN_SENT, 0, 0, 140 * S)).isEqualTo(Outcome.FAILED);
    assertThat(outcome(TCP_FIN_WAIT1, FLAG_ACTIVE, S, 2 * S)).isEqualTo(Outcome.CLOSED_HERE);
    assertThat(outcome(TCP_FIN_WAIT2, FLAG_ACTIVE, S, 2 * S)).isEqualTo(Outcome.CLOSED_HERE);
    assertThat(outcome(TCP_CLOSING, FLAG_ACTIVE, S, 2 * S)).isEqualTo(Outcome.CLOSED_HERE);
    assertThat(outcome(TCP_LAST_ACK, FLAG_PASSIVE, S, 2 * S)).isEqualTo(Outcome.CLOSED_BY_PEER);
    assertThat(outcome(TCP_ESTABLISHED, FLAG_ACTIVE, S, 2 * S)).isEqualTo(Outcome.RESET);
  }

  @Test
  void countsConnectsAtTheirStartTimesWhateverOrderTheyEnd() {
    // Three connects at 1, 2 and 4 s, ending latest-first.
    agg.accept(connect(100, 7, PEER, 80, 4 * S, 4 * S + S / 2, TCP_FIN_WAIT2, 0));
    agg.accept(connect(100, 7, PEER, 80, 2 * S, 9 * S, TCP_LAST_ACK, 0));
    agg.accept(connect(100, 7, PEER, 80, 1 * S, 10 * S, TCP_ESTABLISHED, 0));

    ConnectionActivity a = agg.take(10, 0);

    assertThat(a.connects()).isEqualTo(3);
    assertThat(a.accepts()).isZero();
    assertThat(a.flows()).hasSize(1);
    ConnectionFlow f = a.flows().getFirst();
    assertThat(f.pid()).isEqualTo(100);
    assertThat(f.comm()).isEqualTo("p100");
    assertThat(f.container()).isEqualTo("ctr-7");
    assertThat(f.destination()).isEqualTo(PEER);
    assertThat(f.port()).isEqualTo(80);
    assertThat(f.connects()).isEqualTo(3);
    assertThat(f.established()).isEqualTo(3);
    assertThat(f.closes()).isEqualTo(3);
    assertThat(f.refused() + f.timedOut() + f.otherFailures()).isZero();
    assertThat(f.firstConnectNanos()).isEqualTo(1 * S);
    assertThat(f.lastConnectNanos()).isEqualTo(4 * S);
    assertThat(f.intervalSeconds().getAsDouble()).isCloseTo(1.5, within(1e-9));
    assertThat(a.seconds()).isEqualTo(10);
    assertThat(a.kernelActiveOpens()).isEmpty();
    assertThat(a.droppedFlows()).isZero();
  }

  @Test
  void talliesFailedConnectsWithoutLifetimes() {
    agg.accept(connect(200, 0, PEER, 9, 1 * S, 1 * S + 1000, TCP_SYN_SENT, FLAG_RESET));
    agg.accept(connect(200, 0, PEER, 9, 2 * S, 5 * S, TCP_SYN_SENT, 0));
    agg.accept(connect(200, 0, PEER, 9, 3 * S, 3 * S + 5000, TCP_SYN_SENT, 0));

    ConnectionFlow f = agg.take(10, 0).flows().getFirst();

    assertThat(f.connects()).isEqualTo(3);
    assertThat(f.refused()).isEqualTo(1);
    assertThat(f.timedOut()).isEqualTo(1);
    assertThat(f.otherFailures()).isEqualTo(1);
    assertThat(f.established()).isZero();
    assertThat(f.closes()).isZero();
    assertThat(f.lifetimeP50Seconds()).isEmpty();
    assertThat(f.container()).isEmpty();
    assertThat(f.intervalSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void keepsFlowsApartByProcessCgroupAndDestinationMostConnectsFirst() {
    agg.accept(connect(1, 5, PEER, 80, S, 2 * S, TCP_FIN_WAIT2, 0));
    for (int i = 0; i < 3; i++) {
      agg.accept(connect(1, 5, PEER, 443, S + i, 2 * S, TCP_FIN_WAIT2, 0));
    }
    agg.accept(connect(1, 6, PEER, 443, S, 2 * S, TCP_FIN_WAIT2, 0));
    agg.accept(connect(2, 5, PEER, 443, S, 2 * S, TCP_FIN_WAIT2, 0));
    agg.accept(connect(1, 5, OTHER, 443, S, 2 * S, TCP_FIN_WAIT2, 0));
    agg.accept(connect(1, 5, OTHER, 443, S, 2 * S, TCP_FIN_WAIT2, 0));

    List<ConnectionFlow> flows = agg.take(1, 0).flows();

    assertThat(flows).extracting(ConnectionFlow::connects).containsExactly(3L, 2L, 1L, 1L, 1L);
    assertThat(flows.get(0).port()).isEqualTo(443);
    assertThat(flows.get(0).destination()).isEqualTo(PEER);
    assertThat(flows.get(1).destination()).isEqualTo(OTHER);
  }

  @Test
  void fallsBackToTheThreadsCommandNameTheKernelRecorded() {
    agg.accept(connect(666, 0, PEER, 80, S, 2 * S, TCP_FIN_WAIT2, 0));

    assertThat(agg.take(1, 0).flows().getFirst().comm()).isEqualTo("worker");
    assertThat(agg.takeEnded().connections().getFirst().comm()).isEqualTo("worker");
  }

  @Test
  void countsAcceptsPerListeningPort() {
    agg.accept(accepted(8080, 1 * S, 3 * S, TCP_LAST_ACK));
    agg.accept(accepted(8080, 2 * S, 3 * S, TCP_FIN_WAIT2));
    agg.accept(accepted(9090, 2 * S, 3 * S, TCP_ESTABLISHED));

    ConnectionActivity a = agg.take(5, 0);

    assertThat(a.accepts()).isEqualTo(3);
    assertThat(a.connects()).isZero();
    assertThat(a.flows()).isEmpty();
    assertThat(a.listeners())
        .extracting(ListenerActivity::port, ListenerActivity::accepts, ListenerActivity::closes)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(8080, 2L, 2L),
            org.assertj.core.groups.Tuple.tuple(9090, 1L, 1L));
    ListenerActivity l = a.listeners().getFirst();
    assertThat(l.lifetimeP50Seconds().getAsDouble()).isEqualTo(1.0);
    assertThat(l.lifetimeP99Seconds().getAsDouble()).isEqualTo(2.0);
    // No process is named for an accept: the handshake ran in no process's context.
    assertThat(labels.comms).isZero();

    List<ConnectionEvent> ended = agg.takeEnded().connections();
    assertThat(ended).allMatch(e -> e.direction() == Direction.INBOUND);
    assertThat(ended).allMatch(e -> e.pid() == 0 && e.comm().isEmpty());
    assertThat(ended.getFirst().localPort()).isEqualTo(8080);
    assertThat(ended.getFirst().outcome()).isEqualTo(Outcome.CLOSED_BY_PEER);
  }

  @Test
  void connectionsThatBeganBeforeTracingAreOfUnknownDirection() {
    agg.accept(
        new TraceEvent(7 * S, 0, 0, 0, "", TCP_ESTABLISHED, TCP_CLOSE, 0, LOCAL, 22, OTHER, 50000));

    ConnectionActivity a = agg.take(1, 0);
    assertThat(a.connects()).isZero();
    assertThat(a.accepts()).isZero();
    assertThat(a.flows()).isEmpty();
    assertThat(a.listeners()).isEmpty();

    EndedConnections ended = agg.takeEnded();
    assertThat(ended.connections()).hasSize(1);
    ConnectionEvent e = ended.connections().getFirst();
    assertThat(e.direction()).isEqualTo(Direction.UNKNOWN);
    assertThat(e.pid()).isZero();
    assertThat(e.comm()).isEmpty();
    assertThat(e.container()).isEmpty();
    assertThat(e.lifetimeSeconds()).isEmpty();
    assertThat(e.outcome()).isEqualTo(Outcome.RESET);
    assertThat(e.endNanos()).isEqualTo(7 * S);
    assertThat(e.local()).isEqualTo(LOCAL);
    assertThat(e.localPort()).isEqualTo(22);
    assertThat(e.remote()).isEqualTo(OTHER);
    assertThat(e.remotePort()).isEqualTo(50000);
  }

  @Test
  void endedConnectionsCarryTheOpenerAndLifetime() {
    agg.accept(connect(100, 7, PEER, 80, 2 * S, 2 * S + S / 4, TCP_FIN_WAIT2, 0));

    ConnectionEvent e = agg.takeEnded().connections().getFirst();
    assertThat(e.direction()).isEqualTo(Direction.OUTBOUND);
    assertThat(e.pid()).isEqualTo(100);
    assertThat(e.comm()).isEqualTo("p100");
    assertThat(e.container()).isEqualTo("ctr-7");
    assertThat(e.lifetimeSeconds().getAsDouble()).isEqualTo(0.25);
    assertThat(e.outcome()).isEqualTo(Outcome.CLOSED_HERE);
    assertThat(e.remotePort()).isEqualTo(80);
  }

  @Test
  void lifetimePercentilesOfAKnownSet() {
    List<Integer> seconds = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      seconds.add(i);
    }
    Collections.shuffle(seconds, new Random(1));
    for (int s : seconds) {
      agg.accept(connect(1, 0, PEER, 80, S, S + s * S, TCP_FIN_WAIT2, 0));
    }

    ConnectionFlow f = agg.take(1, 0).flows().getFirst();
    assertThat(f.lifetimeP50Seconds().getAsDouble()).isEqualTo(50.0);
    assertThat(f.lifetimeP99Seconds().getAsDouble()).isEqualTo(99.0);
  }

  @Test
  void oneLifetimeIsEveryPercentile() {
    agg.accept(connect(1, 0, PEER, 80, S, 3 * S, TCP_LAST_ACK, 0));

    ConnectionFlow f = agg.take(1, 0).flows().getFirst();
    assertThat(f.lifetimeP50Seconds().getAsDouble()).isEqualTo(2.0);
    assertThat(f.lifetimeP99Seconds().getAsDouble()).isEqualTo(2.0);
  }

  @Test
  void lifetimesBeyondTheCapStayARepresentativeSample() {
    int n = 20 * FlowAggregator.MAX_LIFETIMES;
    for (int i = 1; i <= n; i++) {
      agg.accept(connect(1, 0, PEER, 80, S, S + i * 1_000_000L, TCP_FIN_WAIT2, 0));
    }

    ConnectionFlow f = agg.take(1, 0).flows().getFirst();
    assertThat(f.closes()).isEqualTo(n);
    // Lifetimes 1..n ms, seen in increasing order: a sample of the first few would be far below.
    double trueP50 = n / 2 / 1000.0;
    double trueP99 = n * 0.99 / 1000.0;
    assertThat(f.lifetimeP50Seconds().getAsDouble()).isCloseTo(trueP50, within(trueP50 * 0.15));
    assertThat(f.lifetimeP99Seconds().getAsDouble()).isCloseTo(trueP99, within(trueP99 * 0.05));
  }

  @Test
  void flowsBeyondTheCapAreCountedAsDropped() {
    for (int port = 1; port <= FlowAggregator.MAX_FLOWS; port++) {
      agg.accept(connect(1, 0, PEER, port, S, 2 * S, TCP_FIN_WAIT2, 0));
    }
    // Known flows still count; new ones do not fit.
    agg.accept(connect(1, 0, PEER, 1, S, 2 * S, TCP_FIN_WAIT2, 0));
    agg.accept(connect(1, 0, OTHER, 1, S, 2 * S, TCP_FIN_WAIT2, 0));
    agg.accept(connect(2, 0, PEER, 1, S, 2 * S, TCP_FIN_WAIT2, 0));

    ConnectionActivity a = agg.take(1, 5);

    assertThat(a.flows()).hasSize(FlowAggregator.MAX_FLOWS);
    assertThat(a.flows().getFirst().connects()).isEqualTo(2);
    assertThat(a.connects()).isEqualTo(FlowAggregator.MAX_FLOWS + 3);
    // Two flows that did not fit, plus what the kernel lost.
    assertThat(a.droppedFlows()).isEqualTo(2 + 5);
    assertThat(a.flows()).noneMatch(f -> f.destination().equals(OTHER) || f.pid() == 2);
  }

  @Test
  void listenersBeyondTheCapAreCountedAsDropped() {
    for (int port = 1; port <= FlowAggregator.MAX_LISTENERS + 2; port++) {
      agg.accept(accepted(port, S, 2 * S, TCP_FIN_WAIT2));
    }

    ConnectionActivity a = agg.take(1, 0);
    assertThat(a.listeners()).hasSize(FlowAggregator.MAX_LISTENERS);
    assertThat(a.accepts()).isEqualTo(FlowAggregator.MAX_LISTENERS + 2);
    assertThat(a.droppedFlows()).isEqualTo(2);
  }

  @Test
  void endedConnectionsBeyondTheCapDropTheOldest() {
    int n = FlowAggregator.MAX_ENDED + 3;
    for (int i = 1; i <= n; i++) {
      agg.accept(connect(1, 0, PEER, 80, S, S + i, TCP_FIN_WAIT2, 0));
    }

    EndedConnections ended = agg.takeEnded();
    assertThat(ended.connections()).hasSize(FlowAggregator.MAX_ENDED);
    assertThat(ended.dropped()).isEqualTo(3);
    assertThat(ended.connections().getFirst().endNanos()).isEqualTo(S + 4);
    assertThat(ended.connections().getLast().endNanos()).isEqualTo(S + n);

    EndedConnections next = agg.takeEnded();
    assertThat(next.connections()).isEmpty();
    assertThat(next.dropped()).isZero();
    // The window's tallies are a separate hand-over.
    assertThat(agg.take(1, 0).connects()).isEqualTo(n);
  }

  @Test
  void takeStartsAFreshWindow() {
    for (int port = 1; port <= FlowAggregator.MAX_FLOWS + 1; port++) {
      agg.accept(connect(1, 0, PEER, port, S, 2 * S, TCP_FIN_WAIT2, 0));
    }
    agg.accept(accepted(8080, S, 2 * S, TCP_FIN_WAIT2));
    assertThat(agg.take(1, 0).droppedFlows()).isEqualTo(1);

    ConnectionActivity empty = agg.take(2, 0);
    assertThat(empty.flows()).isEmpty();
    assertThat(empty.listeners()).isEmpty();
    assertThat(empty.connects()).isZero();
    assertThat(empty.accepts()).isZero();
    assertThat(empty.droppedFlows()).isZero();
    assertThat(empty.seconds()).isEqualTo(2);

    agg.accept(connect(1, 0, PEER, 80, 20 * S, 21 * S, TCP_FIN_WAIT2, 0));
    ConnectionFlow f = agg.take(1, 0).flows().getFirst();
    assertThat(f.connects()).isEqualTo(1);
    assertThat(f.firstConnectNanos()).isEqualTo(20 * S);
    assertThat(f.lifetimeP50Seconds().getAsDouble()).isEqualTo(1.0);
  }

  /**
   * The transition the program reports for a connection that went through state {@code last} before
   * it was done: this side closing (FIN_WAIT1, FIN_WAIT2, CLOSING) is reported at the move
   * ESTABLISHED to FIN_WAIT1, the peer closing (LAST_ACK) at ESTABLISHED to CLOSE_WAIT, a failed
   * connect or an abort at the move to CLOSE.
   */
  private static final int TCP_FIN_WAIT2 = 5;

  private static final int TCP_LAST_ACK = 9;
  private static final int TCP_CLOSING = 11;

  private static int[] transition(int last) {
    return switch (last) {
      case TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_CLOSING -> new int[] {TCP_ESTABLISHED, TCP_FIN_WAIT1};
      case TCP_LAST_ACK -> new int[] {TCP_ESTABLISHED, TCP_CLOSE_WAIT};
      default -> new int[] {last, TCP_CLOSE};
    };
  }

  private static Outcome outcome(int last, int flags, long start, long now) {
    int[] t = transition(last);
    return FlowAggregator.outcome(
        new TraceEvent(now, start, 1, 0, "x", t[0], t[1], flags, LOCAL, 40000, PEER, 80));
  }

  private static TraceEvent connect(
      int tgid, long cgroup, IpAddress peer, int port, long start, long end, int last, int more) {
    String comm = tgid == 666 ? "worker" : "thread" + tgid;
    int[] t = transition(last);
    return new TraceEvent(
        end, start, tgid, cgroup, comm, t[0], t[1], FLAG_ACTIVE | more, LOCAL, 40000, peer, port);
  }

  private static TraceEvent accepted(int port, long start, long end, int last) {
    int[] t = transition(last);
    return new TraceEvent(
        end, start, 0, 0, "", t[0], t[1], FLAG_PASSIVE, LOCAL, port, OTHER, 50000);
  }
}
