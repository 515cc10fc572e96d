package io.sockwatch.plan;

import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import java.util.OptionalDouble;

/**
 * Predicts what a {@link PollingPlan} costs one node in sockets and ephemeral ports, by Little's
 * law: the number of sockets in a state is the rate they enter it times how long they stay.
 *
 * <p>Assumptions, each with its physical reason:
 *
 * <ul>
 *   <li>A fresh probe connection opens at rate {@code destinations / interval} per node and lives
 *       {@code probeSeconds} (handshake, request, reply, close) as an open socket on both ends.
 *   <li>Only the end that closes first (the active closer) enters TIME_WAIT, and holds it for the
 *       full TIME_WAIT length (Linux: 60 s, not tunable); the passive end passes CLOSE_WAIT and
 *       LAST_ACK within one round trip, which the probe duration already covers. A client-closed
 *       probe therefore leaves TIME_WAIT on the poller, a server-closed one on the polled node.
 *   <li>The design is symmetric: every node polls {@code destinations} peers and is polled by as
 *       many, so it accepts as many connections as it opens.
 *   <li>One listener per node (the probe server). Other services on the node are not counted.
 *   <li>A persistent connection is one socket on each end, forever, and churns no ports.
 *   <li>Ephemeral ports are per destination 4-tuple space (local IP, remote IP, remote port): Linux
 *       connect() may reuse a local port for another destination, so only the connections to the
 *       same destination compete. Those are all of its non-LISTEN sockets, TIME_WAIT included:
 *       {@code (timeWait + probe) / interval} when the client closes. Ports run out when that
 *       reaches the range size, i.e. at {@code interval = (timeWait + probe) / rangeSize}.
 *   <li>{@code tcp_tw_reuse=1} lets connect() take over a TIME_WAIT port once its last timestamp is
 *       about 1 s old (TCP timestamps on), so the hold time drops from 60 s to about 1 s. The Linux
 *       default is 2: reuse only on loopback.
 *   <li>Reserved ports ({@code ip_local_reserved_ports}) and conntrack are not modelled.
 * </ul>
 */
public final class CapacityModel {

  /** tcp_tw_reuse takes a TIME_WAIT port whose last timestamp is over about one second old. */
  static final double TW_REUSE_HOLD_SECONDS = 1;

  private CapacityModel() {}

  public static CapacityForecast forecast(PollingPlan plan) {
    int d = plan.destinations();
    int range = plan.portRange().size();
    if (plan.reuse()) {
      return new CapacityForecast(
          plan,
          0,
          0,
          d,
          0,
          d,
          0,
          1,
          d == 0 ? 0 : 1,
          range,
          OptionalDouble.empty(),
          OptionalDouble.empty());
    }
    double rate = d / plan.intervalSeconds();
    double inFlight = rate * plan.probeSeconds();
    boolean clientCloses = plan.closer() == PollingPlan.Closer.CLIENT;
    double timeWait = rate * plan.timeWaitSeconds();
    // The poller's port stays taken while its socket is open, and in TIME_WAIT if it closed first.
    double clientHold = plan.probeSeconds() + (clientCloses ? plan.timeWaitSeconds() : 0);
    double reuseHold =
        plan.probeSeconds()
            + (clientCloses ? Math.min(plan.timeWaitSeconds(), TW_REUSE_HOLD_SECONDS) : 0);
    return new CapacityForecast(
        plan,
        rate,
        rate,
        inFlight,
        clientCloses ? timeWait : 0,
        inFlight,
        clientCloses ? 0 : timeWait,
        1,
        d == 0 ? 0 : clientHold / plan.intervalSeconds(),
        range,
        OptionalDouble.of(clientHold / range),
        OptionalDouble.of(reuseHold / range));
  }
}
