package io.sockwatch.model.probe;

/**
 * Why a path could not be probed, as one line an operator can act on. The kinds separate the two
 * ways a handshake fails along a path: a SYN nobody answers ({@link Kind#SYN_UNANSWERED}: a
 * firewall drops it, or the host is down) and a handshake that completes while the first data never
 * comes back ({@link Kind#DATA_UNANSWERED}: a firewall that passes SYNs but drops data, an MTU
 * black hole, or a peer that is not an echo server).
 */
public final class PathProblem extends Exception {

  /** What went wrong; the exit code and the JSON name follow from it. */
  public enum Kind {
    REFUSED,
    UNREACHABLE,
    SYN_UNANSWERED,
    DATA_UNANSWERED,
    NOT_ECHO,
    LOST
  }

  private final Kind kind;

  public PathProblem(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
