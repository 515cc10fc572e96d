package io.sockwatch.cli.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections to many destinations, for cardinality tests: listens on {@code 0.0.0.0:PORT},
 * opens {@code CONNECTIONS} connections spread round-robin over {@code DESTINATIONS} loopback
 * addresses numbered from {@code FIRST} ({@code 127.1.x.y:PORT}, address {@code n} being {@code x =
 * n / 250}, {@code y = n % 250 + 1}: every 127/8 address reaches the wildcard listener, so each is
 * a distinct destination), accepts them all and holds every socket until stdin ends or it is
 * killed. Prints {@code READY <pid>} once all are established. Several instances with distinct
 * ports and address ranges share a load no one process may hold (each needs twice its connections
 * in open files). Run it inside a test namespace.
 */
public final class FanOutMain {

  private FanOutMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: FanOutMain PORT CONNECTIONS FIRST DESTINATIONS");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    int first = Integer.parseInt(args[2]);
    int destinations = Integer.parseInt(args[3]);
    if (first < 0 || destinations < 1 || first + destinations > 64_000) {
      System.err.println("need 0 <= FIRST and 1 <= DESTINATIONS, FIRST + DESTINATIONS <= 64000");
      System.exit(2);
    }
    List<SocketChannel> held = new ArrayList<>(2 * connections);
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("0.0.0.0", port), 4096);
    Thread acceptor =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < connections; i++) {
                      SocketChannel c = server.accept();
                      synchronized (held) {
                        held.add(c);
                      }
                    }
                  } catch (IOException e) {
                    System.err.println("accept failed: " + e);
                  }
                });
    for (int i = 0; i < connections; i++) {
      int d = first + i % destinations;
      String address = "127.1." + (d / 250) + "." + (d % 250 + 1);
      SocketChannel c = SocketChannel.open(new InetSocketAddress(address, port));
      synchronized (held) {
        held.add(c);
      }
    }
    acceptor.join();
    synchronized (held) {
      if (held.size() != 2 * connections) {
        System.err.println("only " + held.size() + " of " + 2 * connections + " sockets");
        System.exit(1);
      }
    }
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // held until stdin ends
    }
  }
}
