package io.sockwatch.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A leaking server, run as a child process by the leak tests: it accepts every connection and never
 * reads nor closes it. Clients that send and close leave its sockets in CLOSE_WAIT with their data
 * unread, the way a server with a missing {@code close()} does. Prints {@code port N pid P} once
 * listening (and its pid, which a wrapper such as {@code ip netns exec} hides) and exits when its
 * stdin closes (the test ended, or its JVM died).
 *
 * <p>Usage: {@code LeakServerMain BIND_ADDRESS}
 */
public final class LeakServerMain {
  private LeakServerMain() {}

  public static void main(String[] args) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(InetAddress.getByName(args[0]), 0), 4096);
    List<SocketChannel> leaked = new ArrayList<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                while (true) {
                  leaked.add(listener.accept()); // kept, never read, never closed
                }
              } catch (IOException e) {
                System.exit(3);
              }
            });
    System.out.println(
        "port "
            + ((InetSocketAddress) listener.getLocalAddress()).getPort()
            + " pid "
            + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for EOF
    }
    System.exit(0);
  }
}
