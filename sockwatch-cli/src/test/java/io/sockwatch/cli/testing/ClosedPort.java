package io.sockwatch.cli.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port nobody listens on, found by binding an ephemeral port and closing it: a connect
 * there is refused at once. Another process could take the port meanwhile, but it is one of
 * thousands in the ephemeral range and a test needs it only for seconds.
 */
public final class ClosedPort {
  private ClosedPort() {}

  /** A closed port on 127.0.0.1. */
  public static int loopback() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
