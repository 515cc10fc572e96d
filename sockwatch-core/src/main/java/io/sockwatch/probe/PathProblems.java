package io.sockwatch.probe;

import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.PathProblem;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;

/** Names what went wrong on a path from the exception a probe connection saw. */
final class PathProblems {

  private PathProblems() {}

  /** Names a failed connect to {@code target}. */
  static PathProblem ofConnect(IOException e, InetSocketAddress target, double timeoutSeconds) {
    String to = Endpoints.format(target);
    String m = String.valueOf(e.getMessage());
    if (e instanceof SocketTimeoutException) {
      return new PathProblem(
          PathProblem.Kind.SYN_UNANSWERED,
          "no answer to the handshake with "
              + to
              + " within "
              + Endpoints.seconds(timeoutSeconds)
              + ": a firewall drops the SYN, or the host is down");
    }
    if (e instanceof NoRouteToHostException || m.contains("No route to host")) {
      return new PathProblem(
          PathProblem.Kind.UNREACHABLE,
          to + " is unreachable: no route to host (nothing answers ARP/NDP, or an ICMP error)");
    }
    if (m.contains("Network is unreachable")) {
      return new PathProblem(
          PathProblem.Kind.UNREACHABLE, to + " is unreachable: no route to its network");
    }
    if (e instanceof ConnectException && m.contains("refused")) {
      return new PathProblem(
          PathProblem.Kind.REFUSED,
          to
              + " refused the connection: nothing listens there (start `sockwatch echo --listen "
              + to
              + "` on that host)");
    }
    return new PathProblem(PathProblem.Kind.UNREACHABLE, "cannot connect to " + to + ": " + m);
  }

  /** Names a failed first echo on a connection that did open. */
  static PathProblem ofFirstEcho(IOException e, InetSocketAddress target, double timeoutSeconds) {
    String to = Endpoints.format(target);
    if (e instanceof SocketTimeoutException) {
      return new PathProblem(
          PathProblem.Kind.DATA_UNANSWERED,
          "the handshake with "
              + to
              + " completes but the first data gets no echo within "
              + Endpoints.seconds(timeoutSeconds)
              + ": data is dropped on the path (a firewall passing only SYNs, an MTU black hole)"
              + " or the peer is not `sockwatch echo`");
    }
    if (e instanceof EOFException) {
      return new PathProblem(
          PathProblem.Kind.NOT_ECHO,
          to + " closed the connection instead of echoing: not a `sockwatch echo` peer");
    }
    String m = String.valueOf(e.getMessage());
    if (m.equals(EchoProtocol.TOO_LONG)) {
      m = "answered a " + m;
    }
    if (m.startsWith("answered")) {
      return new PathProblem(
          PathProblem.Kind.NOT_ECHO,
          to + " " + m + " instead of the echo: not a `sockwatch echo` peer");
    }
    return new PathProblem(
        PathProblem.Kind.NOT_ECHO, to + " broke the connection instead of echoing (" + m + ")");
  }
}
