package io.sockwatch.cli;

import io.sockwatch.cli.args.UsageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code HOST:PORT} as options take it: {@code 10.0.0.7:7007}, {@code [::1]:7007}, a name. */
final class HostPort {
  private HostPort() {}

  /**
   * Parses and resolves {@code text}; an empty host means {@code emptyHost}.
   *
   * @throws UsageException naming the option, with an example, for anything else
   */
  static InetSocketAddress parse(
      String option, String text, String example, String emptyHost, int minPort) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon < 0 || (t.indexOf(':') != colon && !t.startsWith("["))) {
      throw new UsageException(
          option
              + " takes HOST:PORT (IPv6 as [ADDR]:PORT), e.g. "
              + example
              + ", not '"
              + text
              + "'");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
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
