package io.sockwatch.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sysctls that bound TCP resources, read from {@code /proc/sys}. Anything the kernel does not
 * expose here (no conntrack module, an older kernel) is empty, and the reason is in {@link
 * NodeStats#unavailable()}.
 *
 * @param maxTwBuckets {@code tcp_max_tw_buckets}: most TIME_WAIT sockets the namespace keeps; past
 *     it the kernel closes without TIME_WAIT and counts {@code TCPTimeWaitOverflow}
 * @param tcpRetries2 {@code tcp_retries2}: how many times the kernel retransmits unacknowledged
 *     data before it gives the connection up (about 15 minutes at the default 15)
 */
public record KernelTunables(
    Optional<TcpMemLimits> tcpMem,
    Optional<PortRange> localPortRange,
    List<PortRange> reservedPorts,
    OptionalLong tcpMaxOrphans,
    OptionalLong keepaliveTimeSeconds,
    OptionalLong keepaliveIntervalSeconds,
    OptionalLong keepaliveProbes,
    OptionalLong finTimeoutSeconds,
    OptionalLong twReuse,
    OptionalLong conntrackCount,
    OptionalLong conntrackMax,
    OptionalLong maxTwBuckets,
    OptionalLong tcpRetries2) {

  /** Nothing read: every tunable absent (a namespace whose sysctls could not be reached). */
  public static final KernelTunables NONE =
      new KernelTunables(
          Optional.empty(),
          Optional.empty(),
          List.of(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(), OptionalLong.empty());

  public KernelTunables {
    reservedPorts = List.copyOf(reservedPorts);
  }
}
