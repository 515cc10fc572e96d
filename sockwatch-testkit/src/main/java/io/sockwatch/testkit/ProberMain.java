package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One cluster peer of the port-exhaustion incident (issue 14), as a child process: it listens on
 * its own address, and every interval connects with a fresh connection to each of its peers from
 * that address and closes it at once. The prober closes first, so the TIME_WAIT is on its side; its
 * listener reads each accepted connection to its end and only then closes it, so that stays true
 * however the two processes are scheduled. With no listener and one peer it is the short-lived
 * poller; with a listener and no peers, a sink. Arguments: see {@link ProberArgs}.
 *
 * <p>The schedule is fixed and count-based: round {@code i} is due at {@code start + i x interval},
 * and a prober starved of CPU runs its late rounds back to back instead of skipping them, so its
 * connects are exactly rounds x peers.
 *
 * <p>Line protocol: it prints {@code READY <pid>} once it listens, then reads commands on stdin:
 * {@code start} (begin probing), {@code count} (print its {@link ProbeCount} line), {@code stop}
 * (finish the current round, stop probing, print the final count line). It exits when stdin closes,
 * so it never outlives the test that started it. Threads: main (stdin), one prober, one listener.
 */
public final class ProberMain {
  private static final int CONNECT_TIMEOUT_MILLIS = 3000;

  /** Failures written to stderr in full; later ones only every thousandth (bounded output). */
  private static final int FAILURES_REPORTED = 10;

  private final ProberArgs args;
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong established = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  // Not the instance's monitor: stop() holds that while it waits for the prober thread.
  private final Object roundLock = new Object();
  private long firstRoundNanos;
  private long lastRoundNanos;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile boolean stopping;
  private Thread prober;

  private ProberMain(ProberArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) throws IOException {
    ProberArgs args;
    try {
      args = ProberArgs.parse(Arrays.asList(argv));
    } catch (IllegalArgumentException e) {
      System.out.println("FAILED " + e.getMessage());
      System.exit(2);
      return;
    }
    ProberMain main = new ProberMain(args);
    try {
      main.listen();
    } catch (IOException e) {
      System.out.println("FAILED cannot listen on " + args.listen() + ": " + e.getMessage());
      System.exit(1);
    }
    System.out.println("READY " + ProcessHandle.current().pid());
    if (args.startNow()) {
      main.begin();
    }
    var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
      switch (line.strip()) {
        case "start" -> main.begin();
        case "count" -> System.out.println(main.count().line());
        case "stop" -> {
          main.stop();
          System.out.println(main.count().line());
        }
        case "" -> {}
        default -> System.out.println("ERROR unknown command: " + line.strip());
      }
    }
    System.exit(0);
  }

  private ProbeCount count() {
    synchronized (roundLock) {
      return new ProbeCount(
          attempted.get(),
          established.get(),
          failed.get(),
          rounds.get(),
          accepted.get(),
          lastRoundNanos - firstRoundNanos);
    }
  }

  private synchronized void begin() {
    if (prober == null && !args.peers().isEmpty()) {
      prober = Thread.ofPlatform().name("prober").start(this::probe);
    }
  }

  /** Ends probing after the round under way, so the count is whole rounds. */
  private synchronized void stop() {
    stopping = true;
    if (prober != null) {
      LockSupport.unpark(prober);
      try {
        prober.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void probe() {
    List<InetSocketAddress> peers = new ArrayList<>();
    InetAddress bind;
    try {
      for (String p : args.peers()) {
        peers.add(new InetSocketAddress(InetAddress.getByName(ProberArgs.host(p)), port(p)));
      }
      bind = args.bind() == null ? null : InetAddress.getByName(args.bind());
    } catch (IOException e) {
      System.err.println("bad address: " + e.getMessage());
      return;
    }
    long period = args.intervalMillis() * 1_000_000L;
    long start = System.nanoTime();
    for (long i = 0; i < args.rounds(); i++) {
      long due = start + i * period;
      for (long left = due - System.nanoTime(); left > 0 && !stopping; ) {
        LockSupport.parkNanos(left);
        left = due - System.nanoTime();
      }
      if (stopping) {
        return;
      }
      long roundStart = System.nanoTime();
      for (InetSocketAddress peer : peers) {
        connectAndClose(peer, bind);
      }
      // Rounds and their span change together, so a count sees whole rounds and their times.
      synchronized (roundLock) {
        if (i == 0) {
          firstRoundNanos = roundStart;
        }
        lastRoundNanos = roundStart;
        rounds.incrementAndGet();
      }
    }
  }

  private void connectAndClose(InetSocketAddress peer, InetAddress bind) {
    attempted.incrementAndGet();
    try (Socket s = new Socket()) {
      if (bind != null) {
        s.bind(new InetSocketAddress(bind, 0));
      }
      s.connect(peer, CONNECT_TIMEOUT_MILLIS);
      established.incrementAndGet();
    } catch (IOException e) {
      long n = failed.incrementAndGet();
      if (n <= FAILURES_REPORTED || n % 1000 == 0) {
        System.err.println("connect to " + peer + " failed (" + n + " so far): " + e.getMessage());
      }
    }
  }

  private void listen() throws IOException {
    if (args.listen() == null) {
      return;
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    InetAddress address = InetAddress.getByName(ProberArgs.host(args.listen()));
    server.bind(new InetSocketAddress(address, port(args.listen())), 1024);
    server.configureBlocking(false);
    Selector selector = Selector.open();
    server.register(selector, SelectionKey.OP_ACCEPT);
    Thread.ofPlatform().daemon().name("listener").start(() -> serve(server, selector));
  }

  /** Accepts, reads each connection to its end (the prober's FIN), then closes it. */
  private void serve(ServerSocketChannel server, Selector selector) {
    ByteBuffer buf = ByteBuffer.allocate(512);
    try {
      while (true) {
        selector.select();
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          if (key.isAcceptable()) {
            for (SocketChannel c = server.accept(); c != null; c = server.accept()) {
              accepted.incrementAndGet();
              c.configureBlocking(false);
              c.register(selector, SelectionKey.OP_READ);
            }
          } else if (key.isReadable()) {
            SocketChannel c = (SocketChannel) key.channel();
            int n;
            try {
              n = c.read(buf.clear());
            } catch (IOException e) {
              n = -1; // reset by the peer: done with it as well
            }
            if (n < 0) {
              key.cancel();
              c.close();
            }
          }
        }
      }
    } catch (IOException e) {
      System.err.println("listener failed: " + e.getMessage());
    }
  }

  private static int port(String endpoint) {
    return ProberArgs.port(endpoint);
  }
}
