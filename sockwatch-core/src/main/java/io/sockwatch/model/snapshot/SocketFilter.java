package io.sockwatch.model.snapshot;

import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which sockets a listing shows. Empty sets and empty optionals mean "any". States are pushed down
 * to the kernel ({@link #statesToRead}); the rest is applied per socket, with process criteria
 * evaluated against the attributed owners.
 */
public record SocketFilter(
    Set<TcpState> states,
    Optional<PortRange> sourcePorts,
    Optional<PortRange> destinationPorts,
    Optional<AddressMatcher> source,
    Optional<AddressMatcher> destination,
    Set<Integer> pids,
    Set<String> comms) {

  public static final SocketFilter ALL =
      new SocketFilter(
          Set.of(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Set.of(),
          Set.of());

  public SocketFilter {
    states = Set.copyOf(states);
    pids = Set.copyOf(pids);
    comms = Set.copyOf(comms);
  }

  /** Whether process criteria are set, which makes attribution necessary. */
  public boolean needsProcesses() {
    return !pids.isEmpty() || !comms.isEmpty();
  }

  /** The same filter without process criteria, for reads attributed later. */
  public SocketFilter withoutProcessCriteria() {
    return new SocketFilter(
        states, sourcePorts, destinationPorts, source, destination, Set.of(), Set.of());
  }

  /** The states a listing shows: every state when none is named. */
  public Set<TcpState> statesToRead() {
    return states.isEmpty() ? EnumSet.allOf(TcpState.class) : states;
  }

  /** Whether the socket passes the address, port and state criteria. */
  public boolean matchesSocket(SocketRecord s) {
    if (!states.isEmpty() && !states.contains(s.state())) {
      return false;
    }
    if (sourcePorts.isPresent() && !sourcePorts.get().contains(s.localPort())) {
      return false;
    }
    if (destinationPorts.isPresent() && !destinationPorts.get().contains(s.remotePort())) {
      return false;
    }
    if (source.isPresent() && !source.get().matches(s.localAddress())) {
      return false;
    }
    return destination.isEmpty() || destination.get().matches(s.remoteAddress());
  }

  /** Whether any owner passes the pid and command criteria (true when none are set). */
  public boolean matchesOwners(List<ProcessInfo> owners) {
    if (!needsProcesses()) {
      return true;
    }
    for (ProcessInfo p : owners) {
      if ((pids.isEmpty() || pids.contains(p.pid()))
          && (comms.isEmpty() || comms.contains(p.comm()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses a port or inclusive range: {@code 443} or {@code 8000-8100}.
   *
   * @throws IllegalArgumentException with a readable message
   */
  public static PortRange parsePorts(String text) {
    String t = text.trim();
    int dash = t.indexOf('-');
    try {
      if (dash < 0) {
        int p = Integer.parseInt(t);
        return new PortRange(p, p);
      }
      return new PortRange(
          Integer.parseInt(t.substring(0, dash)), Integer.parseInt(t.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port or port range (0-65535): " + text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a port or port range (0-65535): " + text);
    }
  }
}
