package io.sockwatch.bench;

import io.sockwatch.ConnectionTracer;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the eBPF connection tracer costs the connections it watches: a loopback connect/close loop
 * at full speed ({@link ConnectChurn}) measured in one run with the tracer detached and attached,
 * alternating rounds (off-on, then on-off, so a drift of the shared machine falls on both sides). A
 * traced round attaches a fresh tracer, drains it every second as {@code serve} does (its Java
 * side, the ring reader and the tallies, runs in this process and is counted), and checks that it
 * saw the loop's connections: its connects to the loop's listener by this pid against the loop's
 * own count. Attaching and detaching are outside the timed window.
 */
final class EventsBenchmark {
  private static final Duration WARMUP = Duration.ofSeconds(3);
  private static final long DRAIN_MILLIS = 1000;

  private final int rounds;
  private final Duration roundLength;
  private final int clients;
  private final int pid = (int) ProcessHandle.current().pid();

  EventsBenchmark(int rounds, Duration roundLength, int clients) {
    this.rounds = rounds;
    this.roundLength = roundLength;
    this.clients = clients;
  }

  /** Runs the benchmark; the exit status (3 when the tracer cannot start here). */
  int run() throws Exception {
    boolean resets;
    try (ConnectionTracer probe = ConnectionTracer.start()) {
      resets = probe.resetsTraced();
    } catch (SourceUnavailableException e) {
      System.err.println(
          "events benchmark: the connection tracer cannot start here: "
              + e.getMessage()
              + " (it needs root, or CAP_BPF with CAP_PERFMON, and tracefs)");
      return 3;
    }
    try (ConnectChurn churn = ConnectChurn.open(clients)) {
      System.out.printf(
          Locale.ROOT,
          "== connection tracer cost: loopback connect/close loop, %d client and %d listener"
              + " threads, %d rounds of %d s per side (alternating), drain every %d ms;"
              + " resets traced: %s; load average %s%n",
          clients,
          clients,
          rounds,
          roundLength.toSeconds(),
          DRAIN_MILLIS,
          resets,
          loadAverage());
      churn.run(clients, WARMUP); // the JIT, untraced
      measure(churn, true, Duration.ofSeconds(1)); // the tracer's Java side, once
      List<EventsRound> all = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        for (boolean traced :
            r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
          EventsRound round = measure(churn, traced, roundLength);
          all.add(round);
          System.out.println(EventsReport.roundLine(r + 1, round));
        }
      }
      EventsSummary summary = new EventsSummary(all);
      EventsReport.summary(summary).forEach(System.out::println);
      inKernelCost(churn);
      System.out.println("load average at the end: " + loadAverage());
      return 0;
    }
  }

  private EventsRound measure(ConnectChurn churn, boolean traced, Duration length)
      throws Exception {
    if (!traced) {
      CpuTimes before = CpuTimes.now();
      ConnectChurn.Result r = churn.run(clients, length);
      CpuTimes cpu = CpuTimes.now().minus(before);
      return new EventsRound(
          false, r.connects(), r.failures(), r.nanos() / 1e9, cpu, 0, 0, 0, 0, 0);
    }
    try (ConnectionTracer tracer = ConnectionTracer.start()) {
      Tally tally = new Tally(pid, churn.port());
      tracer.drain(); // whatever came before the round
      long lostBefore = tracer.eventsLost();
      var stop = new java.util.concurrent.atomic.AtomicBoolean();
      Thread drainer =
          Thread.ofPlatform()
              .name("events-drain")
              .start(
                  () -> {
                    while (!stop.get()) {
                      try {
                        Thread.sleep(DRAIN_MILLIS);
                      } catch (InterruptedException e) {
                        return;
                      }
                      tally.add(tracer.drain());
                    }
                  });
      CpuTimes before = CpuTimes.now();
      ConnectChurn.Result r = churn.run(clients, length);
      CpuTimes cpu = CpuTimes.now().minus(before);
      stop.set(true);
      drainer.interrupt();
      drainer.join();
      tally.add(tracer.drain()); // the rest of the round
      return new EventsRound(
          true,
          r.connects(),
          r.failures(),
          r.nanos() / 1e9,
          cpu,
          tally.connects.get(),
          tally.closes.get(),
          tracer.mapMemoryBytes(),
          tracer.eventsLost() - lostBefore,
          tally.dropped.get());
    }
  }

  /**
   * One more traced round with the kernel counting the programs' runs and run time (turned on for
   * this round only: it adds two clock reads to every run, so the timed rounds run without it).
   */
  private void inKernelCost(ConnectChurn churn) throws Exception {
    if (!BpfProgramStats.available()) {
      System.out.println("in-kernel cost: not measured (no kernel.bpf_stats_enabled to turn on)");
      return;
    }
    String was = BpfProgramStats.enable();
    Thread restore =
        new Thread(
            () -> {
              try {
                BpfProgramStats.restore(was);
              } catch (IOException e) {
                // nothing more to do on the way out
              }
            });
    Runtime.getRuntime().addShutdownHook(restore);
    try (ConnectionTracer tracer = ConnectionTracer.start()) {
      BpfProgramStats before = BpfProgramStats.now();
      ConnectChurn.Result r = churn.run(clients, roundLength);
      BpfProgramStats runs = BpfProgramStats.now().minus(before);
      tracer.drain();
      System.out.println(EventsReport.inKernel(r.connects(), runs));
    } finally {
      BpfProgramStats.restore(was);
      Runtime.getRuntime().removeShutdownHook(restore);
    }
  }

  /** The loop's connections among the drains: this pid's flows to the listener's port. */
  private static final class Tally {
    private final int pid;
    private final int port;
    private final IpAddress loopback;
    final AtomicLong connects = new AtomicLong();
    final AtomicLong closes = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    Tally(int pid, int port) {
      this.pid = pid;
      this.port = port;
      this.loopback = IpAddress.ofBytes(InetAddress.getLoopbackAddress().getAddress());
    }

    void add(ConnectionActivity a) {
      dropped.addAndGet(a.droppedFlows());
      for (ConnectionFlow f : a.flows()) {
        if (f.pid() == pid && f.port() == port && f.destination().equals(loopback)) {
          connects.addAndGet(f.connects());
          closes.addAndGet(f.closes());
        }
      }
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
