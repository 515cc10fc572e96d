package io.sockwatch.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback server or connection-churning client, run as its own process inside a test's network
 * namespace ({@link ChurnProcess}) so that its sockets, and its pid as their owner, belong to that
 * namespace. It prints {@code ready} once its sockets exist and exits when its stdin closes or
 * after {@link #MAX_LIFETIME_SECONDS}, whichever comes first, so a dead test leaves nothing behind.
 *
 * <pre>
 * server PORT [server-closes]          listen on 127.0.0.1:PORT; close each connection after the
 *                                      client does (default) or right after accept
 * client PORT HOLD SHORT [server-closes] [bind-from=P] [RATE SECONDS]
 *                                      hold HOLD connections to 127.0.0.1:PORT open, open and close
 *                                      SHORT more (the client closes first, unless server-closes),
 *                                      print ready, then keep opening and closing RATE per second
 *                                      for at most SECONDS; bind-from=P binds the SHORT ones to
 *                                      local ports P, P+1, ... so no port is used twice (a SYN
 *                                      that reuses the 4-tuple of a TIME_WAIT takes it over)
 * </pre>
 */
public final class ChurnMain {

  static final int MAX_LIFETIME_SECONDS = 90;

  private ChurnMain() {}

  public static void main(String[] args) throws Exception {
    exitWhenStdinCloses();
    List<String> a = new ArrayList<>(List.of(args));
    boolean serverCloses = a.remove("server-closes");
    int bindFrom = 0;
    for (String arg : List.copyOf(a)) {
      if (arg.startsWith("bind-from=")) {
        bindFrom = Integer.parseInt(arg.substring("bind-from=".length()));
        a.remove(arg);
      }
    }
    int port = Integer.parseInt(a.get(1));
    switch (a.get(0)) {
      case "server" -> serve(port, serverCloses);
      case "client" -> {
        int hold = Integer.parseInt(a.get(2));
        int shortLived = Integer.parseInt(a.get(3));
        double rate = a.size() > 4 ? Double.parseDouble(a.get(4)) : 0;
        double seconds = a.size() > 5 ? Double.parseDouble(a.get(5)) : 0;
        churn(port, hold, shortLived, serverCloses, bindFrom, rate, seconds);
      }
      default -> throw new IllegalArgumentException("server or client, not " + a.get(0));
    }
  }

  private static void exitWhenStdinCloses() {
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // ignore input
                }
              } catch (IOException e) {
                // treat as closed
              }
              System.exit(0);
            },
            "stdin-watch");
    t.setDaemon(true);
    t.start();
    Thread limit =
        new Thread(
            () -> {
              LockSupport.parkNanos(MAX_LIFETIME_SECONDS * 1_000_000_000L);
              System.exit(3);
            },
            "lifetime");
    limit.setDaemon(true);
    limit.start();
  }

  private static void serve(int port, boolean serverCloses) throws IOException {
    try (ServerSocket listener = new ServerSocket()) {
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
      System.out.println("ready");
      System.out.flush();
      while (true) {
        Socket s = listener.accept();
        if (serverCloses) {
          s.close();
        } else {
          Thread.ofVirtual().start(() -> closeAfterPeer(s));
        }
      }
    }
  }

  /** Reads until the peer's FIN, then closes: the peer closed first. */
  private static void closeAfterPeer(Socket s) {
    try (s;
        InputStream in = s.getInputStream()) {
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // the peer reset: nothing to clean up beyond the close
    }
  }

  private static void churn(
      int port,
      int hold,
      int shortLived,
      boolean serverCloses,
      int bindFrom,
      double rate,
      double seconds)
      throws IOException {
    InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < hold; i++) {
      Socket s = new Socket();
      s.connect(server, 5000);
      held.add(s);
    }
    for (int i = 0; i < shortLived; i++) {
      once(server, serverCloses, bindFrom == 0 ? 0 : bindFrom + i);
    }
    System.out.println("ready");
    System.out.flush();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    for (long i = 0; rate > 0; i++) {
      long due = start + (long) (i * 1e9 / rate);
      if (due > end) {
        break;
      }
      LockSupport.parkNanos(due - System.nanoTime());
      once(server, serverCloses, 0);
    }
    // keep the held connections (and this pid as their owner) until the test closes stdin
    LockSupport.parkNanos(MAX_LIFETIME_SECONDS * 1_000_000_000L);
    // an unreachable Socket is closed by its cleaner: keep them reachable to the end
    Reference.reachabilityFence(held);
  }

  /** One short connection; whoever closes first keeps its TIME_WAIT. */
  private static void once(InetSocketAddress server, boolean serverCloses, int localPort)
      throws IOException {
    try (Socket s = new Socket()) {
      if (localPort != 0) {
        s.bind(new InetSocketAddress(server.getAddress(), localPort));
      }
      s.connect(server, 5000);
      if (serverCloses) {
        while (s.getInputStream().read() >= 0) {
          // wait for the server's FIN
        }
      }
    }
  }
}
