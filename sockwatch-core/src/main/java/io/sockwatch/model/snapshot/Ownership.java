package io.sockwatch.model.snapshot;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;

/**
 * Why a socket does or does not have a process attached. The kernel keeps sockets that no
 * descriptor refers to (TIME_WAIT, request sockets, orphans after close), and a user hunting a leak
 * must not confuse those with sockets sockwatch simply failed to attribute.
 */
public enum Ownership {
  /** Held by one or more processes found through {@code /proc/<pid>/fd}. */
  PROCESS("process"),
  /** TIME_WAIT: the kernel keeps the 4-tuple after close; no process holds it. */
  TIME_WAIT("time-wait"),
  /** A half-open passive connection (SYN received) not yet accepted by any process. */
  REQUEST("request"),
  /** Closed by its process but still draining in the kernel (FIN_WAIT1, LAST_ACK, ...). */
  ORPHAN("orphan"),
  /** Has an inode but no process was found: exited meanwhile, or not readable without root. */
  UNKNOWN("unknown"),
  /** Attribution was not requested. */
  NOT_ATTRIBUTED("not-attributed");

  private final String label;

  Ownership(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Classifies a socket given whether any owning process was found for its inode. */
  public static Ownership of(SocketRecord socket, boolean ownerFound, boolean attributed) {
    if (socket.state() == TcpState.TIME_WAIT) {
      return TIME_WAIT;
    }
    if (socket.state() == TcpState.NEW_SYN_RECV) {
      return REQUEST;
    }
    if (socket.inode() == 0) {
      return ORPHAN;
    }
    if (!attributed) {
      return NOT_ATTRIBUTED;
    }
    return ownerFound ? PROCESS : UNKNOWN;
  }
}
