package io.sockwatch.cli.serve;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Loopback traffic for the serve live tests, run as its own process inside a test namespace ({@link
 * Traffic}) so that its sockets, and its pid as their owner, belong to that namespace. It prints
 * {@code ready} once set up and exits when its stdin closes or after {@link #MAX_LIFETIME_SECONDS},
 * whichever comes first, so a dead test leaves nothing running.
 *
 * <pre>
 * server PORT DELAY_MS            answer each connection on 127.0.0.1:PORT with "ok\n" after
 *                                 DELAY_MS (the work a real endpoint does), then close once the
 *                                 client has
 * leaky-server PORT               accept connections and never read or close them: each becomes
 *                                 CLOSE_WAIT when its client closes
 * probe PORT RATE SECONDS POLLERS POLLERS pollers opening a fresh connection per probe, RATE per
 *                                 second in all, for SECONDS: connect, read the answer, close
 *                                 first (TIME_WAIT on this side)
 * connect-close PORT RATE SECONDS connect and close at once, RATE per second, for SECONDS
 * </pre>
 */
public final class TrafficMain {

  static final int MAX_LIFETIME_SECONDS = 180;

  private static final byte[] ANSWER = "ok\n".getBytes(StandardCharsets.US_ASCII);

  private TrafficMain() {}

  public static void main(String[] args) throws Exception {
    exitWhenStdinClosesOrLate();
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
    switch (args[0]) {
      case "server" -> serve(address, Long.parseLong(args[2]));
      case "leaky-server" -> leak(address);
      case "probe" ->
          probe(
              address,
              Double.parseDouble(args[2]),
              Double.parseDouble(args[3]),
              Integer.parseInt(args[4]));
      case "connect-close" ->
          connectClose(address, Double.parseDouble(args[2]), Double.parseDouble(args[3]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void exitWhenStdinClosesOrLate() {
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // ignore input
                }
              } catch (IOException e) {
                // treat as closed
              }
              System.exit(0);
            });
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              LockSupport.parkNanos(MAX_LIFETIME_SECONDS * 1_000_000_000L);
              System.exit(3);
            });
  }

  private static void ready() {
    System.out.println("ready");
    System.out.flush();
  }

  private static void serve(InetSocketAddress address, long delayMillis) throws IOException {
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(address, 4096);
      ready();
      while (true) {
        Socket s = listener.accept();
        Thread.ofVirtual().start(() -> answer(s, delayMillis));
      }
    }
  }

  private static void answer(Socket s, long delayMillis) {
    try (s;
        InputStream in = s.getInputStream()) {
      LockSupport.parkNanos(delayMillis * 1_000_000);
      s.getOutputStream().write(ANSWER);
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // until the client closes: it closes first and keeps the TIME_WAIT
      }
    } catch (IOException e) {
      // the client reset: nothing left to clean up
    }
  }

  private static void leak(InetSocketAddress address) throws IOException {
    List<Socket> leaked = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(address, 4096);
      ready();
      while (true) {
        leaked.add(listener.accept()); // the bug: never read, never closed
      }
    }
  }

  private static void probe(InetSocketAddress address, double rate, double seconds, int pollers)
      throws InterruptedException {
    ready();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < pollers; i++) {
      long offset = (long) (i * 1e9 / rate);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> paced(start + offset, rate / pollers, seconds, () -> probeOnce(address))));
    }
    for (Thread t : threads) {
      t.join();
    }
    LockSupport.parkNanos(MAX_LIFETIME_SECONDS * 1_000_000_000L);
  }

  private static void connectClose(InetSocketAddress address, double rate, double seconds) {
    ready();
    paced(
        System.nanoTime(),
        rate,
        seconds,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(address, 3000);
          }
        });
    LockSupport.parkNanos(MAX_LIFETIME_SECONDS * 1_000_000_000L);
  }

  /** One probe: a fresh connection, the answer read whole, then closed from this side. */
  private static void probeOnce(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 3000);
      // Read the whole answer before closing: closing with unread data sends a reset, which
      // leaves no TIME_WAIT.
      s.getInputStream().readNBytes(ANSWER.length);
    }
  }

  private interface Action {
    void run() throws IOException;
  }

  /** Runs {@code action} {@code rate} times a second from {@code start} for {@code seconds}. */
  private static void paced(long start, double rate, double seconds, Action action) {
    long end = start + (long) (seconds * 1e9);
    for (long i = 0; ; i++) {
      long due = start + (long) (i * 1e9 / rate);
      if (due > end) {
        return;
      }
      LockSupport.parkNanos(due - System.nanoTime());
      try {
        action.run();
      } catch (IOException e) {
        System.err.println("connection failed: " + e.getMessage());
      }
    }
  }
}
