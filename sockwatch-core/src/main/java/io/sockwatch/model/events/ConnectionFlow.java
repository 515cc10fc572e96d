package io.sockwatch.model.events;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessLabel;
import java.util.OptionalDouble;

/**
 * Outbound connections one process opened to one destination within a window, from the kernel's
 * events (the move to SYN_SENT runs in the connecting task, so the process is the real opener even
 * when it is gone by the next scan).
 *
 * @param pid the process (thread group) that connected
 * @param comm its command name as the kernel had it at connect time
 * @param container its container or pod label when known (from its cgroup), else empty
 * @param destination the peer address (IPv4-mapped addresses as IPv4)
 * @param port the peer port
 * @param connects connect attempts, counted when their connection ended (or failed) within the
 *     window, at the time of the connect: the kernel program writes one record per connection, at
 *     its end; a connection still open is in the socket table with its owner
 * @param established connections of this flow that ended in the window after completing the
 *     handshake (counted at their end, where the kernel's events say how they went)
 * @param refused attempts answered with a reset
 * @param timedOut attempts that got no answer before the kernel gave up
 * @param otherFailures attempts that failed otherwise
 * @param closes connections that ended (to CLOSE or TIME_WAIT) in the window
 * @param lifetimeP50Seconds median lifetime of the connections that ended, if any ended
 * @param lifetimeP99Seconds 99th percentile lifetime of those, if any ended
 * @param firstConnectNanos when the window's first connect of this flow happened, on the kernel's
 *     monotonic clock ({@code CLOCK_MONOTONIC}, nanoseconds); windows merge by min/max of these
 * @param lastConnectNanos when its last connect happened, on the same clock
 */
public record ConnectionFlow(
    int pid,
    String comm,
    String container,
    IpAddress destination,
    int port,
    long connects,
    long established,
    long refused,
    long timedOut,
    long otherFailures,
    long closes,
    OptionalDouble lifetimeP50Seconds,
    OptionalDouble lifetimeP99Seconds,
    long firstConnectNanos,
    long lastConnectNanos) {

  public ConnectionFlow {
    if (connects < 0 || lastConnectNanos < firstConnectNanos) {
      throw new IllegalArgumentException("negative connects or connect times out of order");
    }
  }

  /**
   * The mean time between successive connects of this flow: the per-pair polling interval of a
   * prober. Measured from the connects' own times, so it does not depend on where the window's
   * edges fall; empty with fewer than two connects.
   */
  public OptionalDouble intervalSeconds() {
    return connects < 2
        ? OptionalDouble.empty()
        : OptionalDouble.of((lastConnectNanos - firstConnectNanos) / 1e9 / (connects - 1));
  }

  /** {@code comm(pid)}, as findings name a process. */
  public String processLabel() {
    return ProcessLabel.of(comm, pid);
  }
}
