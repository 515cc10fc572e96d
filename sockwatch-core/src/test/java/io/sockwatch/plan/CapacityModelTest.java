package io.sockwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.PortRange;
import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.model.plan.PollingPlan.Closer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapacityModelTest {

  private static final PortRange LINUX_DEFAULT = new PortRange(32768, 60999);

  private static CapacityForecast mesh20(double interval, boolean reuse) {
    return CapacityModel.forecast(PollingPlan.fullMesh(20, interval, reuse, LINUX_DEFAULT));
  }

  /**
   * The published table for a 20-node cluster polling every peer over a fresh connection. A
   * published band (260-280) is met when the model is within 15% of either end of it.
   */
  @ParameterizedTest(name = "{0}s -> {1}..{2} sockets")
  @CsvSource({"1, 1100, 1100", "5, 260, 280", "10, 100, 105"})
  void reproducesThePublishedFreshConnectionTable(double interval, double low, double high) {
    double sockets = mesh20(interval, false).totalSockets();

    assertThat(sockets).isBetween(low * 0.85, high * 1.15);
  }

  @Test
  void freshConnectionCountsFollowLittlesLaw() {
    CapacityForecast f = mesh20(1, false);

    assertThat(f.newConnectionsPerSecond()).isEqualTo(19.0);
    assertThat(f.acceptedConnectionsPerSecond()).isEqualTo(19.0);
    assertThat(f.outboundTimeWait()).isEqualTo(19 * 60.0);
    assertThat(f.inboundTimeWait()).isZero();
    assertThat(f.established()).isCloseTo(2 * 19 * 0.01, within(1e-9));
    assertThat(f.listeners()).isEqualTo(1);
    assertThat(f.totalSockets()).isCloseTo(1141.38, within(1e-9));
  }

  @Test
  void persistentConnectionsArePollerSideTwentyAndBothEndsThirtyNine() {
    CapacityForecast f = mesh20(1, true);

    assertThat(f.pollerSockets()).isEqualTo(20.0);
    assertThat(f.totalSockets()).isEqualTo(39.0);
    assertThat(f.timeWait()).isZero();
    assertThat(f.newConnectionsPerSecond()).isZero();
    assertThat(f.portsPerDestination()).isEqualTo(1.0);
    assertThat(f.intervalAtExhaustionSeconds()).isEmpty();
  }

  @Test
  void serverCloseMovesTimeWaitToThePolledNodeAndFreesClientPorts() {
    PollingPlan plan = new PollingPlan(20, 1, false, Closer.SERVER, 60, LINUX_DEFAULT, 19, 0.01);

    CapacityForecast f = CapacityModel.forecast(plan);

    assertThat(f.outboundTimeWait()).isZero();
    assertThat(f.inboundTimeWait()).isEqualTo(1140.0);
    assertThat(f.portsPerDestination()).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void headroomOnASmallRange() {
    // 100 ports, 60 s TIME_WAIT, no probe time: one destination holds 60/interval ports.
    PollingPlan plan =
        new PollingPlan(2, 0.5, false, Closer.CLIENT, 60, new PortRange(1000, 1099), 1, 0);

    CapacityForecast f = CapacityModel.forecast(plan);

    assertThat(f.portRangeSize()).isEqualTo(100);
    assertThat(f.portsPerDestination()).isEqualTo(120.0);
    assertThat(f.headroomPerDestination()).isEqualTo(-20.0);
    assertThat(f.portUtilization()).isEqualTo(1.2);
    assertThat(f.intervalAtExhaustionSeconds()).hasValue(0.6);
    assertThat(f.intervalAtExhaustionWithTwReuseSeconds()).hasValue(0.01);
  }

  @Test
  void exhaustionIntervalOnTheLinuxDefaultRangeIsTimeWaitOverRange() {
    PollingPlan plan = new PollingPlan(20, 1, false, Closer.CLIENT, 60, LINUX_DEFAULT, 19, 0);

    CapacityForecast f = CapacityModel.forecast(plan);

    // 28232 ports: about 2.1 ms per probe to one destination before connect() fails.
    assertThat(f.intervalAtExhaustionSeconds().getAsDouble())
        .isCloseTo(60.0 / 28232, within(1e-12));
    assertThat(f.headroomPerDestination()).isEqualTo(28232 - 60.0);
  }

  @Test
  void atTheExhaustionIntervalThePortsAreExactlyUsedUp() {
    PollingPlan plan =
        new PollingPlan(3, 1, false, Closer.CLIENT, 60, new PortRange(40000, 40499), 2, 0.02);
    double limit = CapacityModel.forecast(plan).intervalAtExhaustionSeconds().getAsDouble();

    CapacityForecast atLimit = CapacityModel.forecast(plan.withInterval(limit));

    assertThat(atLimit.headroomPerDestination()).isCloseTo(0, within(1e-9));
  }

  @Test
  void singleNodeHasOnlyItsListener() {
    CapacityForecast f = CapacityModel.forecast(PollingPlan.fullMesh(1, 1, false, LINUX_DEFAULT));

    assertThat(f.totalSockets()).isEqualTo(1.0);
    assertThat(f.portsPerDestination()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nodes must be at least 1| 0| 1| 60| 0| 0.01",
        "interval must be positive| 20| 0| 60| 19| 0.01",
        "interval must be positive| 20| -1| 60| 19| 0.01",
        "interval must be positive| 20| NaN| 60| 19| 0.01",
        "interval must be positive| 20| Infinity| 60| 19| 0.01",
        "TIME_WAIT length must be zero or positive| 20| 1| -1| 19| 0.01",
        "destinations must be from 0 to nodes-1| 20| 1| 60| 20| 0.01",
        "destinations must be from 0 to nodes-1| 20| 1| 60| -1| 0.01",
        "probe duration must be zero or positive| 20| 1| 60| 19| -0.01",
      })
  void rejectsNonsense(
      String message, int nodes, double interval, double timeWait, int destinations, double probe) {
    assertThatThrownBy(
            () ->
                new PollingPlan(
                    nodes,
                    interval,
                    false,
                    Closer.CLIENT,
                    timeWait,
                    LINUX_DEFAULT,
                    destinations,
                    probe))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void rejectsMissingCloser() {
    assertThatThrownBy(() -> new PollingPlan(2, 1, false, null, 60, LINUX_DEFAULT, 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
