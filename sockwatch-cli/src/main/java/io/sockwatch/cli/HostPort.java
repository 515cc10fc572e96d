package io.sockwatch.cli;

import io.sockwatch.cli.args.UsageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code HOST:PORT} as options take it: {@code 10.0.0.7:7007}, {@code [::1]:7007}, a name. */
final class HostPort {
  private HostPort() {}

  /**
   * Parses and resolves {@code text}; an empty host means {@code emptyHost}, and is an error when
   * that is empty too.
   *
   * @throws UsageException naming the option, with an example, for anything else
   */
  static InetSocketAddress parse(
      String option, String text, String example, String emptyHost, int minPort) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    boolean bracketed = t.startsWith("[");
    // "[::1]" alone has its last colon inside the brackets: no port, not port "1]"
    if (colon < 0 || (bracketed ? t.indexOf(']') != colon - 1 : t.indexOf(':') != colon)) {
      throw new UsageException(
          option
              + " takes HOST:PORT (IPv6 as [ADDR]:PORT), e.g. "
              + example
              + ", not '"
              + text
              + "'");
    }
    String host = bracketed ? t.substring(1, colon - 1) : t.substring(0, colon);
    if (host.isEmpty()) {
      if (emptyHost.isEmpty()) {
        // the JDK would resolve "" to loopback: a target must be named, never guessed
        throw new UsageException(option + ": '" + text + "' names no host, e.g. " + example);
      }
      host = emptyHost;
    }
    String portText = t.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": '" + portText + "' is not a port number");
    }
    if (port < minPort || port > 65535) {
      throw new UsageException(
          option + ": port " + port + " is out of range (" + minPort + "-65535)");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new UsageException(option + ": cannot resolve host '" + host + "'");
    }
  }
}
