package io.sockwatch.model.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.IpAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Consecutive windows of connection events merged into one. */
class ConnectionActivityMergeTest {

  private static final long S = 1_000_000_000L;
  private static final IpAddress DB = IpAddress.parse("10.0.0.5");
  private static final IpAddress WEB = IpAddress.parse("10.0.0.6");

  @Test
  void countsAddUpAndConnectTimesSpanTheWindows() {
    ConnectionActivity a =
        window(10, List.of(flow(1, DB, 5432, 3, 2 * S, 8 * S)), List.of(listener(80, 4)), 3, 4);
    ConnectionActivity b =
        window(10, List.of(flow(1, DB, 5432, 2, 12 * S, 19 * S)), List.of(listener(80, 1)), 2, 1);

    ConnectionActivity m = ConnectionActivity.merge(List.of(a, b), 100);

    assertThat(m.seconds()).isEqualTo(20);
    assertThat(m.connects()).isEqualTo(5);
    assertThat(m.accepts()).isEqualTo(5);
    assertThat(m.flows()).hasSize(1);
    ConnectionFlow f = m.flows().getFirst();
    assertThat(f.connects()).isEqualTo(5);
    assertThat(f.established()).isEqualTo(5);
    assertThat(f.refused()).isEqualTo(5);
    assertThat(f.timedOut()).isEqualTo(5);
    assertThat(f.otherFailures()).isEqualTo(5);
    assertThat(f.closes()).isEqualTo(5);
    assertThat(f.firstConnectNanos()).isEqualTo(2 * S);
    assertThat(f.lastConnectNanos()).isEqualTo(19 * S);
    // 5 connects over 17 s: one every 4.25 s, whatever the window edges.
    assertThat(f.intervalSeconds().getAsDouble()).isCloseTo(4.25, within(1e-9));
    assertThat(m.listeners())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.port()).isEqualTo(80);
              assertThat(l.accepts()).isEqualTo(5);
              assertThat(l.closes()).isEqualTo(5);
            });
    assertThat(m.droppedFlows()).isEqualTo(2);
  }

  @Test
  void aWindowWithoutConnectsDoesNotPullTheFirstConnectToZero() {
    ConnectionFlow closesOnly =
        new ConnectionFlow(1, "app", "", DB, 5432, 0, 2, 0, 0, 0, 2, od(1), od(2), 0, 0);
    ConnectionActivity a = window(10, List.of(closesOnly), List.of(), 0, 0);
    ConnectionActivity b =
        window(10, List.of(flow(1, DB, 5432, 2, 15 * S, 16 * S)), List.of(), 2, 0);

    ConnectionFlow f = ConnectionActivity.merge(List.of(a, b), 100).flows().getFirst();
    assertThat(f.connects()).isEqualTo(2);
    assertThat(f.firstConnectNanos()).isEqualTo(15 * S);
    assertThat(f.lastConnectNanos()).isEqualTo(16 * S);
    assertThat(f.closes()).isEqualTo(2 + 2);

    ConnectionFlow alone = ConnectionActivity.merge(List.of(a), 100).flows().getFirst();
    assertThat(alone.firstConnectNanos()).isZero();
    assertThat(alone.lastConnectNanos()).isZero();
    assertThat(alone.intervalSeconds()).isEmpty();
  }

  @Test
  void flowsOfAnotherProcessContainerOrDestinationStayApart() {
    ConnectionActivity a =
        window(
            10,
            List.of(
                flow(1, DB, 5432, 1, S, S),
                flow(2, DB, 5432, 1, S, S),
                flow(1, WEB, 5432, 1, S, S),
                flow(1, DB, 6432, 1, S, S),
                new ConnectionFlow(
                    1, "app", "pod x", DB, 5432, 1, 1, 0, 0, 0, 1, od(1), od(1), S, S)),
            List.of(),
            5,
            0);

    assertThat(ConnectionActivity.merge(List.of(a, a), 100).flows())
        .hasSize(5)
        .allMatch(f -> f.connects() == 2);
  }

  @Test
  void lifetimesCombineWeightedByClosesAndTheLargestP99() {
    ConnectionFlow many =
        new ConnectionFlow(1, "app", "", DB, 5432, 3, 3, 0, 0, 0, 3, od(1), od(4), S, 3 * S);
    ConnectionFlow few =
        new ConnectionFlow(1, "app", "", DB, 5432, 1, 1, 0, 0, 0, 1, od(5), od(5), 9 * S, 9 * S);
    ConnectionFlow none =
        new ConnectionFlow(
            1,
            "app",
            "",
            DB,
            5432,
            1,
            0,
            1,
            0,
            0,
            0,
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            10 * S,
            10 * S);

    ConnectionFlow f =
        ConnectionActivity.merge(
                List.of(
                    window(1, List.of(many), List.of(), 3, 0),
                    window(1, List.of(few), List.of(), 1, 0),
                    window(1, List.of(none), List.of(), 1, 0)),
                100)
            .flows()
            .getFirst();

    assertThat(f.lifetimeP50Seconds().getAsDouble()).isCloseTo((3 * 1 + 1 * 5) / 4.0, within(1e-9));
    assertThat(f.lifetimeP99Seconds().getAsDouble()).isEqualTo(5);
    assertThat(f.refused()).isEqualTo(1);
  }

  @Test
  void kernelOpensAddUpOnlyWhenEveryWindowHasThem() {
    ConnectionActivity both = window(1, List.of(), List.of(), 4, 2).withKernelOpens(ol(5), ol(3));
    ConnectionActivity noPassive =
        window(1, List.of(), List.of(), 4, 2).withKernelOpens(ol(7), OptionalLong.empty());
    ConnectionActivity none = window(1, List.of(), List.of(), 4, 2);

    ConnectionActivity m = ConnectionActivity.merge(List.of(both, both), 10);
    assertThat(m.kernelActiveOpens()).isEqualTo(ol(10));
    assertThat(m.kernelPassiveOpens()).isEqualTo(ol(6));

    m = ConnectionActivity.merge(List.of(both, noPassive), 10);
    assertThat(m.kernelActiveOpens()).isEqualTo(ol(12));
    assertThat(m.kernelPassiveOpens()).isEmpty();

    m = ConnectionActivity.merge(List.of(both, none, both), 10);
    assertThat(m.kernelActiveOpens()).isEmpty();
    assertThat(m.kernelPassiveOpens()).isEmpty();

    m = ConnectionActivity.merge(List.of(), 10);
    assertThat(m.kernelActiveOpens()).isEmpty();
    assertThat(m.seconds()).isZero();
    assertThat(m.flows()).isEmpty();
  }

  @Test
  void theCapKeepsTheBusiestFlowsInAFixedOrder() {
    List<ConnectionFlow> flows = new ArrayList<>();
    for (int pid = 1; pid <= 10; pid++) {
      // pid 10 busiest (6 connects); pids 1..5 tie with one connect each.
      flows.add(flow(pid, DB, 5432, Math.max(1, pid - 4), S, S));
    }
    flows.add(flow(3, WEB, 5432, 1, S, S));
    flows.add(flow(3, DB, 80, 1, S, S));

    List<List<ConnectionFlow>> orders = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      List<ConnectionFlow> shuffled = new ArrayList<>(flows);
      Collections.shuffle(shuffled, random);
      ConnectionActivity m =
          ConnectionActivity.merge(List.of(window(1, shuffled, List.of(), 0, 0)), 8);
      assertThat(m.droppedFlows()).isEqualTo(1 + flows.size() - 8);
      orders.add(m.flows());
    }

    List<ConnectionFlow> kept = orders.getFirst();
    assertThat(orders).allMatch(kept::equals);
    assertThat(kept).extracting(ConnectionFlow::pid).containsExactly(10, 9, 8, 7, 6, 1, 2, 3);
    // Of pid 3's three flows, the lowest destination and port.
    assertThat(kept.getLast().destination()).isEqualTo(DB);
    assertThat(kept.getLast().port()).isEqualTo(80);
    assertThat(kept)
        .extracting(ConnectionFlow::connects)
        .containsExactly(6L, 5L, 4L, 3L, 2L, 1L, 1L, 1L);
  }

  @Test
  void tiesBreakByPidThenDestinationThenPort() {
    List<ConnectionFlow> flows =
        List.of(flow(3, WEB, 5432, 1, S, S), flow(3, DB, 80, 1, S, S), flow(3, DB, 5432, 1, S, S));

    assertThat(ConnectionActivity.merge(List.of(window(1, flows, List.of(), 0, 0)), 10).flows())
        .extracting(ConnectionFlow::destination, ConnectionFlow::port)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DB, 80),
            org.assertj.core.groups.Tuple.tuple(DB, 5432),
            org.assertj.core.groups.Tuple.tuple(WEB, 5432));
  }

  @Test
  void coverageIsConnectsPerKernelActiveOpen() {
    ConnectionActivity w = window(1, List.of(), List.of(), 9, 0);

    assertThat(w.coverage()).isEmpty();
    assertThat(w.withKernelOpens(ol(0), ol(0)).coverage()).isEmpty();
    assertThat(w.withKernelOpens(ol(10), ol(0)).coverage().getAsDouble()).isEqualTo(0.9);
    assertThat(w.withKernelOpens(ol(6), OptionalLong.empty()).coverage().getAsDouble())
        .isEqualTo(1.5);
    ConnectionActivity merged =
        ConnectionActivity.merge(
            List.of(w.withKernelOpens(ol(10), ol(0)), w.withKernelOpens(ol(10), ol(0))), 10);
    assertThat(merged.coverage().getAsDouble()).isEqualTo(0.9);
  }

  private static ConnectionFlow flow(
      int pid, IpAddress dest, int port, long connects, long first, long last) {
    return new ConnectionFlow(
        pid, "app", "", dest, port, connects, connects, connects, connects, connects, connects,
        od(1), od(2), first, last);
  }

  private static ListenerActivity listener(int port, long accepts) {
    return new ListenerActivity(port, accepts, accepts, od(1), od(2));
  }

  private static ConnectionActivity window(
      double seconds,
      List<ConnectionFlow> flows,
      List<ListenerActivity> listeners,
      long connects,
      long accepts) {
    return new ConnectionActivity(
        seconds,
        flows,
        listeners,
        connects,
        accepts,
        OptionalLong.empty(),
        OptionalLong.empty(),
        1);
  }

  private static OptionalDouble od(double v) {
    return OptionalDouble.of(v);
  }

  private static OptionalLong ol(long v) {
    return OptionalLong.of(v);
  }
}
