package io.sockwatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Command line for benchmarks: builds a {@link SocketPopulation}, prints one JSON line describing
 * it on stdout, holds it until SIGTERM, end of stdin or {@code --hold} seconds, then tears it down.
 * Errors go to stderr with exit status 2.
 *
 * <p>A stdin that is {@code /dev/null} (a background job of a script) is not watched, since its
 * immediate end-of-file would tear the population down before anyone could measure it.
 */
public final class PopulationMain {

  private static final String USAGE =
      """
      usage: PopulationMain [--established N] [--time-wait M] [--close-wait K] [--hold SECONDS]
                            [--listen-base 127.B] [--port P] [--parallelism J] [--netns NAME]
        --established N   N connected pairs (2N ESTABLISHED sockets), held open
        --time-wait M     M connections closed client-first: M TIME_WAIT sockets (they expire
                          after 60 s and are not re-created)
        --close-wait K    K pairs whose client shut down its output: K CLOSE_WAIT + K FIN_WAIT2
        --hold SECONDS    hold this long (default 600), or until SIGTERM or end of stdin
        --listen-base B   all addresses in B.0.0/16 (default 127.77)
        --port P          listening port (default: a free one)
        --parallelism J   workers built at once (default: CPUs, 2..4)
        --netns NAME      build inside network namespace NAME (must exist, lo up; needs root)
      Prints one JSON line when the population is complete.\
      """;

  private PopulationMain() {}

  public static void main(String[] args) {
    SocketPopulation.Builder builder = SocketPopulation.builder();
    long hold = 600;
    try {
      for (int i = 0; i < args.length; i++) {
        String opt = args[i];
        if (opt.equals("--help") || opt.equals("-h")) {
          System.out.println(USAGE);
          return;
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(opt + " needs a value");
        }
        String v = args[++i];
        switch (opt) {
          case "--established" -> builder.established(number(opt, v));
          case "--time-wait" -> builder.timeWait(number(opt, v));
          case "--close-wait" -> builder.closeWait(number(opt, v));
          case "--hold" -> hold = number(opt, v);
          case "--listen-base" -> builder.listenBase(v);
          case "--port" -> builder.port(number(opt, v));
          case "--parallelism" -> builder.parallelism(number(opt, v));
          case "--netns" -> builder.netns(v);
          default -> throw new IllegalArgumentException("unknown option " + opt);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println("population: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    run(builder, hold);
  }

  private static void run(SocketPopulation.Builder builder, long holdSeconds) {
    long t0 = System.nanoTime();
    SocketPopulation pop;
    try {
      pop = builder.start();
    } catch (PopulationException e) {
      System.err.println("population: error: " + e.getMessage());
      System.exit(2);
      return;
    }
    double setup = (System.nanoTime() - t0) / 1e9;
    System.out.println(json(pop, setup, holdSeconds));
    System.out.flush();
    CountDownLatch done = new CountDownLatch(1);
    if (!stdinIsDevNull()) {
      Thread.ofPlatform().daemon().start(() -> awaitEndOfStdin(done));
    }
    String why;
    try {
      why = done.await(holdSeconds, TimeUnit.SECONDS) ? "end of stdin" : "hold time over";
    } catch (InterruptedException e) {
      why = "interrupted";
    }
    pop.close();
    System.err.println("population: released all sockets (" + why + ")");
  }

  static String json(SocketPopulation pop, double setupSeconds, long holdSeconds) {
    Map<String, Integer> c = pop.expectedCounts();
    return String.format(
        Locale.ROOT,
        "{\"pid\":%d,\"netns\":%s,\"listen_base\":\"%s\",\"port\":%d,\"established_pairs\":%d,"
            + "\"established_sockets\":%d,\"time_wait\":%d,\"close_wait\":%d,\"fin_wait2\":%d,"
            + "\"listeners\":%d,\"sockets\":%d,\"workers\":%d,\"worker_pids\":[%s],"
            + "\"build_s\":%.2f,\"verify_s\":%.2f,\"setup_s\":%.2f,\"hold_s\":%d}",
        ProcessHandle.current().pid(),
        pop.netns() == null ? "null" : '"' + pop.netns() + '"',
        pop.listenBase(),
        pop.port(),
        c.getOrDefault("ESTAB", 0) / 2,
        c.getOrDefault("ESTAB", 0),
        c.getOrDefault("TIME-WAIT", 0),
        c.getOrDefault("CLOSE-WAIT", 0),
        c.getOrDefault("FIN-WAIT-2", 0),
        c.getOrDefault("LISTEN", 0),
        c.values().stream().mapToLong(Integer::longValue).sum(),
        pop.workerPids().size(),
        pop.workerPids().stream().map(String::valueOf).collect(Collectors.joining(",")),
        pop.buildTime().toNanos() / 1e9,
        pop.verifyTime().toNanos() / 1e9,
        setupSeconds,
        holdSeconds);
  }

  private static boolean stdinIsDevNull() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().equals("/dev/null");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void awaitEndOfStdin(CountDownLatch done) {
    try {
      while (System.in.read() >= 0) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException e) {
      // A broken stdin ends the hold just like end-of-file.
    }
    done.countDown();
  }

  private static int number(String opt, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad value for " + opt + ": " + v);
    }
  }
}
