package io.sockwatch.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Child process for {@link SocketOwnerScannerLiveTest}: listens on 127.0.0.1, prints {@code <pid>
 * <port>}, and exits when its stdin closes.
 */
public final class ListenerChild {
  private ListenerChild() {}

  public static void main(String[] args) throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      System.out.println(ProcessHandle.current().pid() + " " + listener.getLocalPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for EOF: the test closes our stdin (or kills us) when it is done.
      }
    }
  }
}
