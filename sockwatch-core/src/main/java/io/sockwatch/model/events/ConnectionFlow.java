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
 * @param connects connect attempts (moves to SYN_SENT)
 * @param established attempts that completed the handshake
 * @param refused attempts answered with a reset
 * @param timedOut attempts that got no answer before the kernel gave up
 * @param otherFailures attempts that failed otherwise
 * @param closes connections that ended (to CLOSE or TIME_WAIT) in the window
 * @param lifetimeP50Seconds median lifetime of the connections that ended, if any ended
 * @param lifetimeP99Seconds 99th percentile lifetime of those, if any ended
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
    OptionalDouble lifetimeP99Seconds) {

  /** {@code comm(pid)}, as findings name a process. */
  public String processLabel() {
    return ProcessLabel.of(comm, pid);
  }
}
