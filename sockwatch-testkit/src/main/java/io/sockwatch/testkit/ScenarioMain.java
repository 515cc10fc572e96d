package io.sockwatch.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import jdk.net.ExtendedSocketOptions;

/**
 * Small, bounded programs that recreate the incidents sockwatch exists for, for demos and tests
 * (loopback or test namespaces only):
 *
 * <ul>
 *   <li>{@code server ADDR:PORT [--leak | --delay MS]}: answers each connection with one line
 *       (after MS milliseconds of "work" with {@code --delay}) and closes after the client does, or
 *       with {@code --leak} never reads nor closes (CLOSE_WAIT with unread data once peers leave);
 *   <li>{@code herd ADDR:PORT RATE SECONDS [POLLERS]}: pollers opening a fresh connection per
 *       probe, RATE per second in all, closing first (TIME_WAIT on their side), as the cluster
 *       peers of incident 1;
 *   <li>{@code leak-clients ADDR:PORT COUNT BYTES}: COUNT clients that send BYTES and close;
 *   <li>{@code idle ADDR:PORT [KEEPIDLE_SECONDS]}: one connection left idle, with keepalive only if
 *       a keepalive idle time is given, as the AMQP connection of incident 2;
 *   <li>{@code prober [--listen ADDR:PORT] [--bind ADDR] [--interval-ms MS] [--rounds N] [--start]
 *       PEER:PORT...}: one member of issue 14's herd, or the short-lived poller, with its own exact
 *       counts and a stdin protocol (see {@link ProberMain}, {@link HerdProbers}).
 * </ul>
 *
 * Each prints {@code READY <pid>} once set up and runs until killed (or, for herd, until done).
 */
public final class ScenarioMain {
  private static final byte[] ANSWER = "ok\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ScenarioMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("prober")) {
      ProberMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length < 2) {
      System.err.println(
          "usage: ScenarioMain server|herd|leak-clients|idle ADDR:PORT ... | prober ...");
      System.exit(2);
    }
    InetSocketAddress target = endpoint(args[1]);
    long pid = ProcessHandle.current().pid();
    List<AutoCloseable> held = new ArrayList<>();
    switch (args[0]) {
      case "server" -> {
        boolean leak = args.length > 2 && args[2].equals("--leak");
        long delayMillis =
            args.length > 3 && args[2].equals("--delay") ? Long.parseLong(args[3]) : 0;
        ServerSocket server = new ServerSocket();
        server.bind(target, 1024);
        System.out.println("READY " + pid);
        System.out.flush();
        while (true) {
          Socket s = server.accept();
          if (leak) {
            held.add(s); // the bug: never read, never closed
          } else {
            Thread.ofVirtual().start(() -> answer(s, delayMillis));
          }
        }
      }
      case "herd" -> {
        double rate = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        int pollers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        System.out.println("READY " + pid);
        System.out.flush();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < pollers; i++) {
          threads.add(Thread.ofPlatform().start(() -> poll(target, rate / pollers, seconds)));
        }
        for (Thread t : threads) {
          t.join();
        }
      }
      case "leak-clients" -> {
        int count = Integer.parseInt(args[2]);
        byte[] payload = new byte[Integer.parseInt(args[3])];
        for (int i = 0; i < count; i++) {
          try (Socket s = new Socket()) {
            s.connect(target, 3000);
            OutputStream out = s.getOutputStream();
            out.write(payload);
            out.flush();
          }
        }
        System.out.println("READY " + pid);
        System.out.flush();
      }
      case "idle" -> {
        Socket s = new Socket();
        if (args.length > 2) {
          s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
          s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, Integer.parseInt(args[2]));
          s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
        }
        s.connect(target, 3000);
        held.add(s);
        System.out.println("READY " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      default -> {
        System.err.println("unknown scenario: " + args[0]);
        System.exit(2);
      }
    }
  }

  /** One cluster peer: a fresh connection per probe at {@code rate} per second. */
  /**
   * Probes {@code rate x seconds} times on a fixed schedule. The count is fixed rather than the end
   * time: a poller the machine starved of CPU catches up late instead of skipping probes, so the
   * connections made (and the TIME_WAIT they leave) are exactly what the caller asked for.
   */
  private static void poll(InetSocketAddress target, double rate, double seconds) {
    long period = (long) (1e9 / rate);
    long probes = Math.round(rate * seconds);
    long start = System.nanoTime();
    for (long i = 0; i < probes; i++) {
      LockSupport.parkNanos(start + i * period - System.nanoTime());
      try (Socket s = new Socket()) {
        s.connect(target, 3000);
        // Read the whole answer, then close first: closing with unread data would send a reset
        // instead of a FIN and leave no TIME_WAIT behind.
        s.getInputStream().readNBytes(ANSWER.length);
      } catch (IOException e) {
        System.err.println("probe failed: " + e.getMessage()); // e.g. ports exhausted
      }
    }
  }

  private static void answer(Socket s, long delayMillis) {
    try (s) {
      Thread.sleep(delayMillis); // a health endpoint doing some work before it answers
      s.getOutputStream().write(ANSWER);
      drain(s.getInputStream());
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    while (in.read(buf) >= 0) {
      // until the client closes
    }
  }

  private static InetSocketAddress endpoint(String text) throws IOException {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IOException("expected ADDR:PORT, not " + text);
    }
    return new InetSocketAddress(
        InetAddress.getByName(text.substring(0, colon)),
        Integer.parseInt(text.substring(colon + 1)));
  }
}
