package io.sockwatch.bench;

import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the node agent costs: for each population size and CPU budget, a network namespace of its
 * own holding a population built by the project's generator (80% ESTABLISHED, 10% TIME_WAIT, 10%
 * CLOSE_WAIT with their FIN_WAIT2 peers, held by worker processes so that attribution has work),
 * the real {@code sockwatch serve} started through the launcher inside it, a bounded warm-up (at
 * least six scans and {@code warmupSeconds}, by when the JIT has settled), a fresh TIME_WAIT
 * population (the first has expired by then: TIME_WAIT lasts 60 s), and a measuring window from one
 * scan to a later one (so the window holds whole scans, not a fraction of one). Budgets run one
 * after the other, each in a fresh namespace and population, so that they neither compete for the
 * two cores nor see each other's leftover TIME_WAIT.
 *
 * <p>Measured per run: the agent JVM's CPU (utime + stime from /proc/PID/stat) per wall second, in
 * % of one core, over the window; scans in the window and so the effective scan interval; the
 * agent's own per-scan CPU and wall time ({@code /api/status}, medians of the scans polled); total
 * agent CPU per scan (everything the process did in the window, divided by its scans); {@code ss
 * -tan} on the same table; the live heap after a full GC ({@code jcmd GC.run}, then {@code
 * GC.heap_info}), the committed heap before that GC, and RSS (current and peak).
 */
final class AgentBenchmark {

  /** Scans the agent makes regardless of budget (ScanBudget.WARMUP_SCANS), plus one budgeted. */
  private static final int WARMUP_SCANS = 6;

  /**
   * Status polls are the agent's work too (about 3 ms of its CPU each, measured): once a second
   * adds about 0.3% of a core to what is measured, as a dashboard would.
   */
  private static final double POLL_SECONDS = 1;

  private final String launcher;
  private final double windowSeconds;
  private final double warmupSeconds;
  private final List<String> budgets;
  private final String agentJavaOptions;
  private final List<Result> results = new ArrayList<>();

  AgentBenchmark(
      String launcher,
      double windowSeconds,
      double warmupSeconds,
      List<String> budgets,
      String agentJavaOptions) {
    this.launcher = launcher;
    this.windowSeconds = windowSeconds;
    this.warmupSeconds = warmupSeconds;
    this.budgets = List.copyOf(budgets);
    this.agentJavaOptions = agentJavaOptions;
  }

  /**
   * One row.
   *
   * @param size requested population size
   * @param budget the agent's --cpu-budget
   * @param sockets TCP sockets in the namespace's table (ss -tan) right after the window
   * @param windowSeconds wall seconds from the first to the last scan of the window
   * @param scans scans in the window
   * @param cpuPercent agent CPU in % of one core over the window
   * @param cpuPerScan agent CPU seconds in the window per scan (all work, not only scans)
   * @param scanCpu median CPU seconds of one scan, as the agent reports it
   * @param scanWall median wall seconds of one scan, as the agent reports it
   * @param ssSeconds median wall seconds of ss -tan on the same table
   * @param liveHeap heap used after a full GC, bytes
   * @param committedHeap heap committed before that GC, bytes
   * @param heapMax the agent's heap limit, bytes
   * @param rss resident set after the window, bytes
   * @param peakRss peak resident set, bytes
   */
  record Result(
      int size,
      String budget,
      int sockets,
      double windowSeconds,
      long scans,
      double cpuPercent,
      double cpuPerScan,
      double scanCpu,
      double scanWall,
      double ssSeconds,
      long liveHeap,
      long committedHeap,
      long heapMax,
      long rss,
      long peakRss) {

    double scanInterval() {
      return scans == 0 ? Double.NaN : windowSeconds / scans;
    }
  }

  void run(int size) throws Exception {
    for (String budget : budgets) {
      Result r = runOne(size, budget);
      if (r != null) {
        results.add(r);
      }
    }
  }

  /**
   * Waits (bounded) for the first scan; returns the status when the agent instead reports that it
   * refused to read the table, null once it scans.
   */
  private static AgentStatus refusal(AgentProcess agent) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      AgentStatus s;
      try {
        s = agent.status();
      } catch (IOException e) {
        s = null; // no tick yet
      }
      if (s != null && s.scans() > 0) {
        return null;
      }
      if (s != null && s.ticks() >= 3 && !s.lastError().isEmpty()) {
        return s;
      }
      Thread.sleep((long) (POLL_SECONDS * 1000));
    }
    throw new IOException("the agent neither scanned nor said why in 600 s");
  }

  private Result runOne(int size, String budget) throws Exception {
    int pairs = size * 2 / 5;
    int timeWait = size / 10;
    int closeWait = size / 20;
    long t0 = System.nanoTime();
    try (TestNetns ns = TestNetns.create("agent");
        SocketPopulation pop =
            SocketPopulation.builder()
                .netns(ns.name())
                .listenBase("127.90")
                .established(pairs)
                .timeWait(timeWait)
                .closeWait(closeWait)
                .start();
        AgentProcess agent =
            AgentProcess.start(launcher, ns, List.of("--cpu-budget", budget), agentJavaOptions)) {
      long agentStart = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "%n== agent at %,d sockets, --cpu-budget %s: population of %,d ESTAB pairs, %,d"
              + " TIME-WAIT, %,d CLOSE-WAIT pairs in %d workers (built in %.1f s); agent pid %d%n",
          size,
          budget,
          pairs,
          timeWait,
          closeWait,
          pop.workerPids().size(),
          (System.nanoTime() - t0) / 1e9,
          agent.pid());
      AgentStatus refused = refusal(agent);
      if (refused != null) {
        // The agent bounds its heap: a table too large for it is not read, and it says so.
        System.out.printf(
            Locale.ROOT,
            "agent alive after %d ticks but scans nothing: %s%n(heap limit %.0f MiB, RSS %.1f MiB,"
                + " heap used %.1f MiB)%n",
            refused.ticks(),
            refused.lastError(),
            mib(refused.heapMaxBytes()),
            mib(agent.procStatusBytes("VmRSS")),
            mib(refused.heapUsedBytes()));
        return null;
      }
      awaitScans(agent, WARMUP_SCANS, 600);
      // The JIT compiles for a minute or so; its CPU is the agent's but not its steady state.
      long warmUntil = agentStart + (long) (warmupSeconds * 1e9);
      while (System.nanoTime() < warmUntil) {
        Thread.sleep((long) (POLL_SECONDS * 1000));
      }
      AgentStatus warm = agent.status();
      System.out.printf(
          Locale.ROOT,
          "warmed up: %d scans in %d ticks, last scan %.3f s CPU, %.3f s wall%n",
          warm.scans(),
          warm.ticks(),
          warm.lastScanCpuSeconds(),
          warm.lastScanSeconds());
      // TIME_WAIT lasts 60 s and the population's has expired by now: make it anew, so that the
      // window sees the whole mix.
      try (TimeWaitSupply tw = TimeWaitSupply.start(ns, timeWait)) {
        Result r = measure(size, budget, agent, tw, ns);
        print(r);
        if (!agent.stderr().isBlank()) {
          System.out.print("agent stderr:\n" + agent.stderr().indent(2));
        }
        return r;
      }
    }
  }

  private Result measure(
      int size, String budget, AgentProcess agent, TimeWaitSupply timeWait, TestNetns ns)
      throws Exception {
    // Start right after a scan, end right after a later one: the window holds whole scans.
    AgentStatus first = agent.status();
    AgentStatus start = awaitNextScan(agent, first.scans(), 300);
    double cpu0 = agent.cpuSeconds();
    long wall0 = System.nanoTime();
    List<Double> scanCpu = new ArrayList<>();
    List<Double> scanWall = new ArrayList<>();
    long lastSeen = start.scans();
    AgentStatus end = start;
    long hardDeadline = wall0 + (long) ((windowSeconds + 300) * 1e9);
    while (true) {
      Thread.sleep((long) (POLL_SECONDS * 1000));
      timeWait.tick();
      AgentStatus s = agent.status();
      if (s.scans() != lastSeen) {
        lastSeen = s.scans();
        scanCpu.add(s.lastScanCpuSeconds());
        scanWall.add(s.lastScanSeconds());
        if ((System.nanoTime() - wall0) / 1e9 >= windowSeconds) {
          end = s;
          break;
        }
      }
      if (System.nanoTime() > hardDeadline) {
        throw new IOException("no scan completed within " + (windowSeconds + 300) + " s");
      }
    }
    double cpu1 = agent.cpuSeconds();
    double wall = (System.nanoTime() - wall0) / 1e9;
    int sockets = ssCount(ns);
    Timed ss = new Timed("ss -tan", 3);
    for (int i = 0; i < 3; i++) {
      long s0 = System.nanoTime();
      AgentProcess.run(concat(ns.prefix(), List.of("ss", "-tan")), 120);
      ss.add((System.nanoTime() - s0) / 1e9);
    }
    long rss = agent.procStatusBytes("VmRSS");
    long peakRss = agent.procStatusBytes("VmHWM");
    AgentProcess.HeapInfo before = agent.heapInfo();
    agent.jcmd("GC.run");
    AgentProcess.HeapInfo after = agent.heapInfo();
    long scans = end.scans() - start.scans();
    return new Result(
        size,
        budget,
        sockets,
        wall,
        scans,
        100 * (cpu1 - cpu0) / wall,
        scans == 0 ? Double.NaN : (cpu1 - cpu0) / scans,
        median(scanCpu),
        median(scanWall),
        ss.median(),
        after.usedBytes(),
        before.committedBytes(),
        end.heapMaxBytes(),
        rss,
        peakRss);
  }

  private static int ssCount(TestNetns ns) throws IOException, InterruptedException {
    String out = AgentProcess.run(concat(ns.prefix(), List.of("ss", "-tanH")), 120);
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  /** Polls until the agent has made at least {@code scans} scans; bounded. */
  private static AgentStatus awaitScans(AgentProcess agent, long scans, int timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      AgentStatus s;
      try {
        s = agent.status();
      } catch (IOException e) {
        s = null; // 503 before the first tick: curl still answers, but be lenient while starting
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (s != null && s.scans() >= scans) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "agent made fewer than " + scans + " scans in " + timeoutSeconds + " s");
      }
      Thread.sleep((long) (POLL_SECONDS * 1000));
    }
  }

  private static AgentStatus awaitNextScan(AgentProcess agent, long after, int timeoutSeconds)
      throws Exception {
    return awaitScans(agent, after + 1, timeoutSeconds);
  }

  private static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static void print(Result r) {
    System.out.printf(
        Locale.ROOT,
        "window %.1f s, %d scans (every %.2f s): agent CPU %.2f%% of one core, %.0f ms CPU per"
            + " scan all in; scan median %.0f ms CPU, %.0f ms wall; ss -tan %.0f ms on %,d sockets;"
            + " heap live %.1f MiB after full GC, %.1f MiB committed (max %.0f MiB), RSS %.1f MiB"
            + " (peak %.1f)%n",
        r.windowSeconds(),
        r.scans(),
        r.scanInterval(),
        r.cpuPercent(),
        r.cpuPerScan() * 1000,
        r.scanCpu() * 1000,
        r.scanWall() * 1000,
        r.ssSeconds() * 1000,
        r.sockets(),
        mib(r.liveHeap()),
        mib(r.committedHeap()),
        mib(r.heapMax()),
        mib(r.rss()),
        mib(r.peakRss()));
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  /** The summary table and the targets, after every run. */
  void summarize() {
    System.out.printf(Locale.ROOT, "%n== agent summary%n");
    System.out.printf(
        Locale.ROOT,
        "%9s %7s %6s %9s %8s %9s %9s %9s %8s %8s %9s %9s %8s%n",
        "sockets",
        "budget",
        "scans",
        "every s",
        "CPU %",
        "CPU/scan",
        "scan CPU",
        "scan wall",
        "ss -tan",
        "wall/ss",
        "live heap",
        "committed",
        "peak RSS");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%,9d %7s %6d %9.2f %7.2f%% %7.0fms %7.0fms %7.0fms %6.0fms %7.2fx %7.1fMiB %7.1fMiB"
              + " %6.0fMiB%n",
          r.sockets(),
          r.budget(),
          r.scans(),
          r.scanInterval(),
          r.cpuPercent(),
          r.cpuPerScan() * 1000,
          r.scanCpu() * 1000,
          r.scanWall() * 1000,
          r.ssSeconds() * 1000,
          r.scanWall() / r.ssSeconds(),
          mib(r.liveHeap()),
          mib(r.committedHeap()),
          mib(r.peakRss()));
    }
    for (Result r : results) {
      if (r.size() == 100_000 && r.budget().equals("5%")) {
        System.out.printf(
            Locale.ROOT,
            "targets at 100k, 1 s interval, default budget: agent CPU %.2f%% of one core (< 5%%)"
                + " %s; live heap %.1f MiB (< 256 MiB) %s%n",
            r.cpuPercent(),
            r.cpuPercent() < 5 ? "MET" : "NOT MET",
            mib(r.liveHeap()),
            r.liveHeap() < 256L << 20 ? "MET" : "NOT MET");
      }
    }
  }
}
