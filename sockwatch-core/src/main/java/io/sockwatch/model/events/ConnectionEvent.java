package io.sockwatch.model.events;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessLabel;
import java.util.OptionalDouble;

/**
 * One TCP connection that ended, as the kernel's state changes showed it: what {@code snapshot
 * --events} prints, one line per connection, like a filtered {@code tcplife}.
 *
 * @param endNanos when it ended, on the kernel's monotonic clock (nanoseconds)
 * @param direction whether this host opened it or accepted it
 * @param pid the opening process (thread group); 0 for accepted connections and for connections
 *     already open when tracing began
 * @param comm the opener's command name, empty when unknown
 * @param container the opener's container or pod label when known, else empty
 * @param local the local address
 * @param localPort the local port
 * @param remote the peer address (IPv4-mapped as IPv4)
 * @param remotePort the peer port
 * @param lifetimeSeconds from the connect (or accept) to the end; empty when it began before
 *     tracing
 * @param outcome how it ended
 */
public record ConnectionEvent(
    long endNanos,
    Direction direction,
    int pid,
    String comm,
    String container,
    IpAddress local,
    int localPort,
    IpAddress remote,
    int remotePort,
    OptionalDouble lifetimeSeconds,
    Outcome outcome) {

  /** Which side opened the connection. */
  public enum Direction {
    OUTBOUND,
    INBOUND,
    /** It began before tracing, so which side opened it is not known. */
    UNKNOWN
  }

  /** How a connection ended, from the state it left for CLOSE. */
  public enum Outcome {
    /** This side closed first and holds TIME_WAIT. */
    CLOSED_HERE,
    /** The peer closed first (through CLOSE_WAIT and LAST_ACK). */
    CLOSED_BY_PEER,
    /** Ended from ESTABLISHED without a FIN exchange: a reset, sent or received, or an abort. */
    RESET,
    /** The connect was answered with a reset. */
    REFUSED,
    /** The connect got no answer before it was given up. */
    TIMED_OUT,
    /** The connect was abandoned otherwise (closed while still connecting). */
    FAILED
  }

  /** {@code comm(pid)}, or an empty string for an accepted connection. */
  public String processLabel() {
    return pid == 0 ? "" : ProcessLabel.of(comm, pid);
  }
}
