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
    OptionalLong maxTwBuckets) {
  public KernelTunables {
    reservedPorts = List.copyOf(reservedPorts);
  }
}
