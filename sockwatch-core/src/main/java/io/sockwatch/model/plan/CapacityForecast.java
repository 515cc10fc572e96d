package io.sockwatch.model.plan;

import java.util.OptionalDouble;

/**
 * Steady-state socket counts one node of a {@link PollingPlan} holds, as expected values (a
 * snapshot taken at a random moment sees these on average). Outbound sockets are the ones the
 * node's poller opened; inbound ones were accepted from peers polling this node.
 *
 * @param plan the design this forecasts
 * @param newConnectionsPerSecond connections the node opens per second (0 with reuse)
 * @param acceptedConnectionsPerSecond connections the node accepts per second (0 with reuse)
 * @param outboundEstablished the poller's open connections (persistent ones, or fresh probes in
 *     flight, which briefly pass SYN_SENT/FIN_WAIT too)
 * @param outboundTimeWait TIME_WAIT entries of connections this node opened
 * @param inboundEstablished accepted connections open (persistent, or in flight)
 * @param inboundTimeWait TIME_WAIT entries of connections this node accepted
 * @param listeners listening sockets (the probe server's one)
 * @param portsPerDestination local ports one destination 4-tuple space (local IP, remote IP, remote
 *     port) holds: its connections in any non-LISTEN state, TIME_WAIT included
 * @param portRangeSize ports in {@code ip_local_port_range}
 * @param intervalAtExhaustionSeconds the probe interval below which one destination runs out of
 *     ports; empty with persistent connections (they do not churn ports)
 * @param intervalAtExhaustionWithTwReuseSeconds the same with {@code net.ipv4.tcp_tw_reuse=1},
 *     which lets connect() take a TIME_WAIT port about 1 s after its last segment
 */
public record CapacityForecast(
    PollingPlan plan,
    double newConnectionsPerSecond,
    double acceptedConnectionsPerSecond,
    double outboundEstablished,
    double outboundTimeWait,
    double inboundEstablished,
    double inboundTimeWait,
    int listeners,
    double portsPerDestination,
    int portRangeSize,
    OptionalDouble intervalAtExhaustionSeconds,
    OptionalDouble intervalAtExhaustionWithTwReuseSeconds) {

  /** Every socket on the node for this design: both ends of its connections and the listener. */
  public double totalSockets() {
    return outboundEstablished
        + outboundTimeWait
        + inboundEstablished
        + inboundTimeWait
        + listeners;
  }

  /**
   * The poller's own sockets and the listener, without the accepted ends. A count taken for the
   * poller process alone sees this.
   */
  public double pollerSockets() {
    return outboundEstablished + outboundTimeWait + listeners;
  }

  public double timeWait() {
    return outboundTimeWait + inboundTimeWait;
  }

  public double established() {
    return outboundEstablished + inboundEstablished;
  }

  /** Ports still free per destination; negative means connect() fails (EADDRNOTAVAIL). */
  public double headroomPerDestination() {
    return portRangeSize - portsPerDestination;
  }

  /** Fraction of the port range one destination uses. */
  public double portUtilization() {
    return portsPerDestination / portRangeSize;
  }
}
