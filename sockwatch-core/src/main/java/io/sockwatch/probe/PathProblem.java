package io.sockwatch.probe;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;

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

  /** Names a failed connect to {@code target}. */
  static PathProblem ofConnect(IOException e, InetSocketAddress target, double timeoutSeconds) {
    String to = Endpoints.format(target);
    String m = String.valueOf(e.getMessage());
    if (e instanceof SocketTimeoutException) {
      return new PathProblem(
          Kind.SYN_UNANSWERED,
          "no answer to the handshake with "
              + to
              + " within "
              + Endpoints.seconds(timeoutSeconds)
              + ": a firewall drops the SYN, or the host is down");
    }
    if (e instanceof NoRouteToHostException || m.contains("No route to host")) {
      return new PathProblem(
          Kind.UNREACHABLE,
          to + " is unreachable: no route to host (nothing answers ARP/NDP, or an ICMP error)");
    }
    if (m.contains("Network is unreachable")) {
      return new PathProblem(Kind.UNREACHABLE, to + " is unreachable: no route to its network");
    }
    if (e instanceof ConnectException && m.contains("refused")) {
      return new PathProblem(
          Kind.REFUSED,
          to
              + " refused the connection: nothing listens there (start `sockwatch echo --listen "
              + to
              + "` on that host)");
    }
    return new PathProblem(Kind.UNREACHABLE, "cannot connect to " + to + ": " + m);
  }

  /** Names a failed first echo on a connection that did open. */
  static PathProblem ofFirstEcho(IOException e, InetSocketAddress target, double timeoutSeconds) {
    String to = Endpoints.format(target);
    if (e instanceof SocketTimeoutException) {
      return new PathProblem(
          Kind.DATA_UNANSWERED,
          "the handshake with "
              + to
              + " completes but the first data gets no echo within "
              + Endpoints.seconds(timeoutSeconds)
              + ": data is dropped on the path (a firewall passing only SYNs, an MTU black hole)"
              + " or the peer is not `sockwatch echo`");
    }
    if (e instanceof EOFException) {
      return new PathProblem(
          Kind.NOT_ECHO,
          to + " closed the connection instead of echoing: not a `sockwatch echo` peer");
    }
    String m = String.valueOf(e.getMessage());
    if (m.equals(EchoProtocol.TOO_LONG)) {
      m = "answered a " + m;
    }
    if (m.startsWith("answered")) {
      return new PathProblem(
          Kind.NOT_ECHO, to + " " + m + " instead of the echo: not a `sockwatch echo` peer");
    }
    return new PathProblem(
        Kind.NOT_ECHO, to + " broke the connection instead of echoing (" + m + ")");
  }
}
