package io.sockwatch.model.plan;

import io.sockwatch.model.PortRange;

/**
 * A polling design: every node of a cluster probes some of its peers at a fixed interval.
 *
 * <p>The design is assumed symmetric (every node runs the same poller), so a node receives on
 * average as many probes as it sends: {@code destinations} inbound pollers.
 *
 * @param nodes cluster size, at least 1
 * @param intervalSeconds time between two probes of one destination, positive
 * @param reuse true for one persistent connection per destination, false for a fresh connection per
 *     probe
 * @param closer which end closes a fresh connection first; only that end enters TIME_WAIT
 * @param timeWaitSeconds how long the closing end holds TIME_WAIT (Linux: fixed 60 s,
 *     TCP_TIMEWAIT_LEN, not a sysctl)
 * @param portRange the prober's {@code ip_local_port_range}
 * @param destinations peers each node polls, 0 to {@code nodes - 1}
 * @param probeSeconds how long one fresh probe connection is open (handshake, request, response,
 *     close); it only sizes the short-lived in-flight sockets
 */
public record PollingPlan(
    int nodes,
    double intervalSeconds,
    boolean reuse,
    Closer closer,
    double timeWaitSeconds,
    PortRange portRange,
    int destinations,
    double probeSeconds) {

  /** Linux holds TIME_WAIT for TCP_TIMEWAIT_LEN, compiled in as 60 s. */
  public static final double LINUX_TIME_WAIT_SECONDS = 60;

  /** Which end of a probe connection sends the first FIN (the "active closer"). */
  public enum Closer {
    CLIENT,
    SERVER
  }

  /**
   * @throws IllegalArgumentException naming the first input that makes no sense
   */
  public PollingPlan {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be at least 1, not " + nodes);
    }
    if (!(intervalSeconds > 0) || !Double.isFinite(intervalSeconds)) {
      throw new IllegalArgumentException("interval must be positive, not " + intervalSeconds);
    }
    if (!(timeWaitSeconds >= 0) || !Double.isFinite(timeWaitSeconds)) {
      throw new IllegalArgumentException(
          "TIME_WAIT length must be zero or positive, not " + timeWaitSeconds);
    }
    if (!(probeSeconds >= 0) || !Double.isFinite(probeSeconds)) {
      throw new IllegalArgumentException(
          "probe duration must be zero or positive, not " + probeSeconds);
    }
    if (destinations < 0 || destinations > nodes - 1) {
      throw new IllegalArgumentException(
          "destinations must be from 0 to nodes-1 (" + (nodes - 1) + "), not " + destinations);
    }
    if (closer == null || portRange == null) {
      throw new IllegalArgumentException("closer and port range are required");
    }
  }

  /** A LAN HTTP probe: a few round trips of well under a millisecond plus the handler. */
  public static final double DEFAULT_PROBE_SECONDS = 0.01;

  /** The common design: every node polls all its {@code nodes - 1} peers. */
  public static PollingPlan fullMesh(
      int nodes, double intervalSeconds, boolean reuse, PortRange portRange) {
    return new PollingPlan(
        nodes,
        intervalSeconds,
        reuse,
        Closer.CLIENT,
        LINUX_TIME_WAIT_SECONDS,
        portRange,
        Math.max(0, nodes - 1),
        DEFAULT_PROBE_SECONDS);
  }

  /** The same design at another interval (one row of a table). */
  public PollingPlan withInterval(double seconds) {
    return new PollingPlan(
        nodes, seconds, reuse, closer, timeWaitSeconds, portRange, destinations, probeSeconds);
  }
}
