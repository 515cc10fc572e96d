package io.sockwatch.analysis;

import static io.sockwatch.analysis.HerdFixture.PORT;
import static io.sockwatch.analysis.HerdFixture.T0;
import static io.sockwatch.analysis.HerdFixture.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.analysis.HerdGrouping.Herd;
import io.sockwatch.analysis.HerdGrouping.Member;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class HerdGroupingTest {

  private static final HerdGrouping.Settings DEFAULTS = new HerdGrouping.Settings(2, 10);

  @Test
  void twentyProbersPollingNineteenPeersEverySecondAreOneHerd() {
    ConnectionActivity a = HerdFixture.mesh(20, 10, 10, 1.0, T0);

    List<Herd> herds = HerdGrouping.herds(a, DEFAULTS);

    assertThat(herds).hasSize(1);
    Herd h = herds.getFirst();
    assertThat(h.port()).isEqualTo(PORT);
    assertThat(h.processes()).hasSize(20);
    assertThat(h.containers()).isEmpty();
    assertThat(h.sources()).isEqualTo(20);
    assertThat(h.destinations()).hasSize(20).contains("127.0.0.10:8558", "127.0.0.29:8558");
    assertThat(h.pairs()).isEqualTo(380);
    assertThat(h.fewestDestinations()).isEqualTo(19);
    assertThat(h.mostDestinations()).isEqualTo(19);
    assertThat(h.intervalMedianSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
    assertThat(h.intervalMinSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
    assertThat(h.intervalMaxSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
    assertThat(h.connectsPerSecond()).isCloseTo(380, within(1e-6));
    assertThat(h.connects()).isEqualTo(3800);
    for (Member p : h.processes()) {
      assertThat(p.connectsPerSecond()).as(p.label()).isCloseTo(19, within(1e-9));
      assertThat(p.destinations()).isEqualTo(19);
      assertThat(p.connects()).isEqualTo(190);
    }
    assertThat(h.processLabels()).contains("prober(1000)", "prober(1019)");
    assertThat(h.lifetimeP50Seconds().getAsDouble()).isEqualTo(0.002);
    assertThat(h.lifetimeP99Seconds().getAsDouble()).isEqualTo(0.010);
  }

  @Test
  void unevenIntervalsGiveTheMedianAndTheExtremes() {
    List<ConnectionFlow> flows =
        List.of(
            flow(1, "a", "", "10.0.0.1", 80, 11, T0, 0.5),
            flow(1, "a", "", "10.0.0.2", 80, 6, T0, 1.0),
            flow(2, "b", "", "10.0.0.1", 80, 3, T0, 2.5));
    Herd h =
        HerdGrouping.herds(HerdFixture.activity(5, flows), new HerdGrouping.Settings(2, 1))
            .getFirst();
    assertThat(h.intervalMedianSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
    assertThat(h.intervalMinSeconds().getAsDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(h.intervalMaxSeconds().getAsDouble()).isCloseTo(2.5, within(1e-9));
    // a: 1/0.5 + 1/1.0; b: 1/2.5
    assertThat(h.processes())
        .extracting(Member::label, Member::connectsPerSecond)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a(1)", 3.0),
            org.assertj.core.groups.Tuple.tuple("b(2)", 0.4));
    assertThat(h.connectsPerSecond()).isCloseTo(3.4, within(1e-9));
    assertThat(h.fewestDestinations()).isEqualTo(1);
    assertThat(h.mostDestinations()).isEqualTo(2);
  }

  @Test
  void oneProcessToOneDestinationIsNoHerdHoweverFast() {
    ConnectionActivity a =
        HerdFixture.activity(10, List.of(flow(7, "curl", "", "10.0.0.7", 443, 500, T0, 0.02)));
    assertThat(HerdGrouping.herds(a, DEFAULTS)).isEmpty();
  }

  @Test
  void belowTheRateIsNoHerd() {
    // 20 x 19 pairs every 60 s: 6.3 connections/s
    ConnectionActivity a = HerdFixture.mesh(20, 180, 3, 60, T0);
    assertThat(HerdGrouping.herds(a, DEFAULTS)).isEmpty();
    assertThat(HerdGrouping.herds(a, new HerdGrouping.Settings(2, 5))).hasSize(1);
  }

  @Test
  void longLivedConnectionsAreNoHerd() {
    List<ConnectionFlow> pooled = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ConnectionFlow f = flow(100 + i, "java", "", "10.0.0.9", 5432, 20, T0, 0.05);
      // none of them ended: a pool filling up
      pooled.add(
          new ConnectionFlow(
              f.pid(),
              f.comm(),
              f.container(),
              f.destination(),
              f.port(),
              f.connects(),
              f.established(),
              0,
              0,
              0,
              0,
              OptionalDouble.empty(),
              OptionalDouble.empty(),
              f.firstConnectNanos(),
              f.lastConnectNanos()));
    }
    assertThat(HerdGrouping.herds(HerdFixture.activity(1, pooled), DEFAULTS)).isEmpty();
  }

  @Test
  void processesOfOneContainerAreOneSource() {
    // two pods each run a shell loop that starts a new curl (a new pid) per probe: every 0.5 s to
    // each of 3 destinations, for 10 s
    List<ConnectionFlow> flows = new ArrayList<>();
    int pid = 5000;
    for (String pod : List.of("default/poller-a", "default/poller-b")) {
      for (int d = 1; d <= 3; d++) {
        for (int k = 0; k < 20; k++) {
          flows.add(flow(pid++, "curl", pod, "10.1.0." + d, 8080, 1, T0 + k * 500_000_000L, 1));
        }
      }
    }
    Herd h = HerdGrouping.herds(HerdFixture.activity(10, flows), DEFAULTS).getFirst();

    assertThat(h.sources()).isEqualTo(2);
    assertThat(h.pairs()).isEqualTo(6);
    assertThat(h.processes()).hasSize(120);
    assertThat(h.containers())
        .extracting(Member::label)
        .containsExactly("default/poller-a", "default/poller-b");
    assertThat(h.containers().getFirst().connectsPerSecond()).isCloseTo(6, within(1e-9));
    assertThat(h.containers().getFirst().destinations()).isEqualTo(3);
    assertThat(h.intervalMedianSeconds().getAsDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(h.connectsPerSecond()).isCloseTo(12, within(1e-9));
    // each curl made one connect: its rate is over the window
    assertThat(h.processes().getFirst().connectsPerSecond()).isCloseTo(0.1, within(1e-9));
    assertThat(h.processes().getFirst().container()).startsWith("default/poller-");
  }

  @Test
  void oneSecondWindowsMergedGiveThePerPairInterval() {
    List<ConnectionActivity> windows = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      windows.add(HerdFixture.mesh(20, 1, 1, 1, T0 + k * 1_000_000_000L));
    }
    Herd one = HerdGrouping.herds(windows.getFirst(), DEFAULTS).getFirst();
    assertThat(one.intervalMedianSeconds()).as("one connect per pair: no interval").isEmpty();
    assertThat(one.connectsPerSecond()).isCloseTo(380, within(1e-9));

    ConnectionActivity merged = ConnectionActivity.merge(windows, 10_000);
    assertThat(merged.seconds()).isEqualTo(10);
    assertThat(merged.flows()).hasSize(380);
    assertThat(merged.connects()).isEqualTo(3800);
    Herd h = HerdGrouping.herds(merged, DEFAULTS).getFirst();
    assertThat(h.intervalMedianSeconds().getAsDouble()).isCloseTo(1.0, within(1e-9));
    assertThat(h.connectsPerSecond()).isCloseTo(380, within(1e-6));
  }

  @Test
  void theMergeIsCappedAndCountsWhatItDropped() {
    List<ConnectionActivity> windows = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      windows.add(HerdFixture.mesh(20, 1, 1, 1, T0 + k * 1_000_000_000L));
    }
    ConnectionActivity merged = ConnectionActivity.merge(windows, 100);
    assertThat(merged.flows()).hasSize(100);
    assertThat(merged.droppedFlows()).isEqualTo(280);
    assertThat(merged.connects()).as("counted before the cap").isEqualTo(1140);
    Herd h = HerdGrouping.herds(merged, DEFAULTS).getFirst();
    assertThat(h.droppedFlows()).isEqualTo(280);
    assertThat(h.pairs()).isEqualTo(100);
  }

  @Test
  void aPairThatStoppedCountsAtItsWindowRate() {
    // b polled every 0.1 s for one second, then stopped; a goes on every 0.1 s for 60 s
    List<ConnectionFlow> flows =
        List.of(
            flow(1, "a", "", "10.0.0.1", 80, 601, T0, 0.1),
            flow(2, "b", "", "10.0.0.1", 80, 11, T0, 0.1));
    Herd h = HerdGrouping.herds(HerdFixture.activity(60, flows), DEFAULTS).getFirst();
    assertThat(h.processes()).extracting(Member::label).containsExactly("a(1)", "b(2)");
    assertThat(h.processes().get(0).connectsPerSecond()).isCloseTo(10, within(1e-9));
    assertThat(h.processes().get(1).connectsPerSecond()).isCloseTo(11 / 60.0, within(1e-9));
  }
}
