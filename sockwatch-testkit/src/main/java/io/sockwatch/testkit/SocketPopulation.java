package io.sockwatch.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A quiescent population of loopback TCP sockets in known states, for live tests and benchmarks:
 * {@code n} ESTABLISHED pairs, {@code m} TIME_WAIT sockets and {@code k} CLOSE_WAIT sockets with
 * their FIN_WAIT2 peers, held by worker JVMs this object starts and stops.
 *
 * <p>Everything lives in {@code 127.B.0.0/16} (the listen base, {@code 127.77} by default): worker
 * {@code w} listens on {@code 127.B.w.1..3} and connects from {@code 127.B.w.10+}, so each worker's
 * sockets are its own and one port identifies the whole population. Every one of its sockets has a
 * listener endpoint as its local or its peer address, which is how {@link #owns(SsEntry)} selects
 * exactly them from a full socket table.
 *
 * <p>When {@link Builder#start()} returns, every worker has reported ready and {@code ss} shows
 * exactly {@link #expectedCounts()} for the population: nothing is still in flight. TIME_WAIT
 * sockets are made last (after every held pair) and then expire on their own 60 s after they were
 * made ({@link #timeWaitStableUntil()}); they are not re-created. The kernel also keeps at most
 * net.ipv4.tcp_max_tw_buckets of them per network namespace, checked up front.
 *
 * <pre>{@code
 * try (SocketPopulation pop = SocketPopulation.builder().established(200).timeWait(100).start()) {
 *   SsTable mine = SsTable.read().filter(pop::owns);
 *   assertThat(mine.countsByState()).isEqualTo(pop.expectedCounts());
 * }
 * }</pre>
 */
public final class SocketPopulation implements AutoCloseable {

  /** How long {@code ss} may take to agree with the expected counts after the workers are ready. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /** TCP_TIMEWAIT_LEN: fixed at 60 s in Linux, not a sysctl. */
  static final Duration TIME_WAIT_LIFETIME = Duration.ofSeconds(60);

  private final String netns;
  private final String listenBase;
  private final int port;
  private final List<WorkerProcess> workers;
  private final Set<String> listenerEndpoints;
  private final Map<String, Integer> expectedCounts;
  private final Thread shutdownHook;
  private Duration buildTime = Duration.ZERO;
  private Duration verifyTime = Duration.ZERO;
  private Instant timeWaitStart = Instant.now();
  private boolean closed;

  private SocketPopulation(String netns, String listenBase, int port, List<WorkerPlan> plans) {
    this.netns = netns;
    this.listenBase = listenBase;
    this.port = port;
    this.workers = Collections.synchronizedList(new ArrayList<>(plans.size()));
    Set<String> endpoints = new LinkedHashSet<>();
    long established = 0;
    long closeWait = 0;
    long timeWait = 0;
    for (WorkerPlan p : plans) {
      endpoints.addAll(p.listenerEndpoints());
      established += p.established();
      closeWait += p.closeWait();
      timeWait += p.timeWait();
    }
    this.listenerEndpoints = Collections.unmodifiableSet(endpoints);
    Map<String, Integer> counts = new LinkedHashMap<>();
    putIfPositive(counts, "CLOSE-WAIT", closeWait);
    putIfPositive(counts, "ESTAB", 2 * established);
    putIfPositive(counts, "FIN-WAIT-2", closeWait);
    putIfPositive(counts, "LISTEN", endpoints.size());
    putIfPositive(counts, "TIME-WAIT", timeWait);
    this.expectedCounts = Collections.unmodifiableMap(counts);
    // The hook waits for the workers too, so a killed parent is gone only once its sockets are.
    this.shutdownHook = new Thread(this::stopAll, "socket-population-shutdown");
  }

  private static void putIfPositive(Map<String, Integer> m, String state, long n) {
    if (n > 0) {
      m.put(state, Math.toIntExact(n));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The network namespace the population lives in, or null for this process's own. */
  public String netns() {
    return netns;
  }

  /** The first two octets of every population address, e.g. {@code 127.77}. */
  public String listenBase() {
    return listenBase;
  }

  /** The port every listener of the population listens on. */
  public int port() {
    return port;
  }

  /** {@code a.b.c.d:port} of every listener, in worker order. */
  public Set<String> listenerEndpoints() {
    return listenerEndpoints;
  }

  /**
   * Sockets per ss state name this population consists of (states with none are absent): ESTAB
   * {@code 2n}, TIME-WAIT {@code m}, CLOSE-WAIT {@code k}, FIN-WAIT-2 {@code k}, LISTEN one per
   * listener. Sorted by name, like {@link SsTable#countsByState()}, so the two compare equal.
   */
  public Map<String, Integer> expectedCounts() {
    return expectedCounts;
  }

  /** The process ids of the worker JVMs, in worker order. */
  public List<Long> workerPids() {
    return workers().stream().map(WorkerInfo::pid).toList();
  }

  /** What each worker holds, in worker order. */
  public List<WorkerInfo> workers() {
    synchronized (workers) {
      return workers.stream()
          .map(
              w ->
                  new WorkerInfo(
                      w.pid(),
                      w.plan().subnet(),
                      w.plan().established(),
                      w.plan().closeWait(),
                      w.plan().timeWait(),
                      w.plan().heldDescriptors()))
          .toList();
    }
  }

  /** True for a socket of this population: its local or peer endpoint is one of its listeners. */
  public boolean owns(SsEntry socket) {
    return owns(socket.local(), socket.peer());
  }

  /** True when either {@code a.b.c.d:port} endpoint is one of this population's listeners. */
  public boolean owns(String local, String peer) {
    return listenerEndpoints.contains(local) || listenerEndpoints.contains(peer);
  }

  /**
   * An ss filter (one word per element) the kernel applies cheaply, matching a superset of this
   * population; narrow it with {@link #owns}: {@code
   * SsTable.read(pop.ssFilter()).filter(pop::owns)}.
   */
  public String[] ssFilter() {
    String expr = "src %s.0.0/16 and ( sport = :%d or dport = :%d )";
    return expr.formatted(listenBase, port, port).split(" ");
  }

  /**
   * This population's sockets as ss sees them now, in the population's network namespace (a
   * kernel-filtered, hence cheap, read).
   */
  public SsTable snapshot() throws IOException {
    SsTable t = netns == null ? SsTable.read(ssFilter()) : SsTable.readInNetns(netns, ssFilter());
    return t.filter(this::owns);
  }

  /**
   * Until when the TIME_WAIT part of {@link #expectedCounts()} holds: the kernel expires each
   * TIME_WAIT socket 60 s after it was made, and none was made before the TIME_WAIT phase began.
   */
  public Instant timeWaitStableUntil() {
    return timeWaitStart.plus(TIME_WAIT_LIFETIME);
  }

  /** Wall time from the first worker launch until every worker reported ready. */
  public Duration buildTime() {
    return buildTime;
  }

  /** Wall time spent confirming with ss that the population is complete and quiescent. */
  public Duration verifyTime() {
    return verifyTime;
  }

  /**
   * Stops the workers: closes their stdin, waits up to 10 s, then kills whatever is left. Their
   * held sockets are reset, so only the TIME_WAIT population itself remains (for up to 60 s).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and the hook is running or has run.
    }
  }

  private void stopAll() {
    List<WorkerProcess> all;
    synchronized (workers) {
      all = List.copyOf(workers);
    }
    all.forEach(WorkerProcess::stop);
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (WorkerProcess w : all) {
      if (!w.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        w.kill();
        w.awaitExit(Duration.ofSeconds(5));
      }
    }
  }

  /**
   * Builds in two phases, each with at most {@code parallelism} workers busy: every worker first
   * builds its held pairs; only then do all make their TIME_WAIT connections, which expire 60 s
   * after they are made and would not survive a long first phase.
   */
  private void launchAll(List<WorkerPlan> plans, int parallelism, Duration timeout) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long t0 = System.nanoTime();
    inParallel(
        plans,
        parallelism,
        plan -> {
          WorkerProcess w = WorkerProcess.launch(plan, netns);
          workers.add(w);
          long pairs = (long) plan.established() + plan.closeWait();
          w.awaitHeld(timeout != null ? timeout : defaultTimeout(pairs));
        });
    List<WorkerProcess> holding;
    synchronized (workers) {
      workers.sort(Comparator.comparingInt(w -> plans.indexOf(w.plan())));
      holding = List.copyOf(workers);
    }
    timeWaitStart = Instant.now();
    inParallel(
        holding,
        parallelism,
        w -> {
          w.finish();
          w.awaitReady(timeout != null ? timeout : defaultTimeout(w.plan().timeWait()));
        });
    buildTime = Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * Runs {@code step} for every item, {@code parallelism} at a time; stops at the first failure.
   */
  private <T> void inParallel(List<T> items, int parallelism, Consumer<T> step) {
    Semaphore slots = new Semaphore(parallelism);
    List<PopulationException> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (T item : items) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    slots.acquireUninterruptibly();
                    try {
                      if (failures.isEmpty()) {
                        step.accept(item);
                      }
                    } catch (PopulationException e) {
                      failures.add(e);
                    } finally {
                      slots.release();
                    }
                  }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new PopulationException("interrupted while starting the workers");
      }
    }
    if (!failures.isEmpty()) {
      close();
      PopulationException first = failures.getFirst();
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  /** 20 s for the JVM and its listeners, plus 2 ms per connection: 10x what loopback needs. */
  private static Duration defaultTimeout(long connections) {
    return Duration.ofSeconds(20).plusMillis(2 * connections);
  }

  /** Fails unless none of the population's endpoints is in use yet (e.g. by stale TIME_WAIT). */
  private void requireUnused() {
    SsTable existing = readOwn();
    if (existing.size() > 0) {
      throw new PopulationException(
          existing.size()
              + " sockets already use the population's endpoints on port "
              + port
              + " (e.g. '"
              + existing.entries().getFirst().key()
              + "'; TIME_WAIT left by an earlier run lasts 60 s): choose another port");
    }
  }

  /** Polls ss until the population's counts are exactly the expected ones, or fails. */
  private void awaitExpectedCounts() {
    long t0 = System.nanoTime();
    long deadline = t0 + SETTLE_TIMEOUT.toNanos();
    Map<String, Integer> seen;
    while (true) {
      seen = readOwn().countsByState();
      if (seen.equals(expectedCounts)) {
        verifyTime = Duration.ofNanos(System.nanoTime() - t0);
        return;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new PopulationException(
            "the workers were ready after "
                + buildTime.toSeconds()
                + " s, but "
                + SETTLE_TIMEOUT.toSeconds()
                + " s later ss shows "
                + seen
                + " instead of "
                + expectedCounts
                + " (TIME-WAIT short? other processes may have filled"
                + " net.ipv4.tcp_max_tw_buckets meanwhile; see /proc/net/sockstat)");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new PopulationException("interrupted while verifying the population");
      }
    }
  }

  private SsTable readOwn() {
    try {
      return snapshot();
    } catch (IOException e) {
      throw new PopulationException("cannot read the socket table with ss: " + e.getMessage(), e);
    }
  }

  /**
   * What one worker process holds.
   *
   * @param pid the worker JVM's process id
   * @param subnet its /24, e.g. {@code 127.77.3}
   * @param establishedPairs ESTABLISHED pairs it holds (two descriptors each)
   * @param closeWaitPairs CLOSE_WAIT/FIN_WAIT2 pairs it holds (two descriptors each)
   * @param timeWait TIME_WAIT connections it made (they hold no descriptor)
   * @param heldDescriptors socket descriptors it holds: pair ends plus its listeners
   */
  public record WorkerInfo(
      long pid,
      String subnet,
      int establishedPairs,
      int closeWaitPairs,
      int timeWait,
      int heldDescriptors) {}

  /** Counts and knobs of a population; {@link #start()} builds it. */
  public static final class Builder {
    private int established;
    private int timeWait;
    private int closeWait;
    private String netns;
    private String listenBase = "127.77";
    private int port;
    private int parallelism = Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4);
    private int maxDescriptorsPerWorker;
    private Duration workerTimeout;

    private Builder() {}

    /** {@code pairs} connected pairs held open: {@code 2 * pairs} ESTABLISHED sockets. */
    public Builder established(int pairs) {
      established = nonNegative(pairs, "established");
      return this;
    }

    /** {@code count} connections closed client-first: {@code count} TIME_WAIT sockets for 60 s. */
    public Builder timeWait(int count) {
      timeWait = nonNegative(count, "timeWait");
      return this;
    }

    /**
     * {@code pairs} pairs whose client shut down its output and whose server never closes: {@code
     * pairs} CLOSE_WAIT (server side) plus {@code pairs} FIN_WAIT2 (client side).
     */
    public Builder closeWait(int pairs) {
      closeWait = nonNegative(pairs, "closeWait");
      return this;
    }

    /** First two octets of all population addresses, {@code 127.N}; default {@code 127.77}. */
    public Builder listenBase(String base) {
      String[] o = base.split("\\.", -1);
      if (o.length != 2
          || !o[0].equals("127")
          || !o[1].matches("\\d{1,3}")
          || Integer.parseInt(o[1]) > 255) {
        throw new IllegalArgumentException("listen base must be 127.N (0-255), not '" + base + "'");
      }
      listenBase = base;
      return this;
    }

    /**
     * Builds the population inside network namespace {@code name} (letters, digits, {@code _ . -};
     * it must exist with {@code lo} up; needs root), isolating it from other users of this host's
     * loopback, TIME_WAIT buckets and port space. Default: this process's own namespace.
     */
    public Builder netns(String name) {
      netns = SsTable.requireNetnsName(name);
      return this;
    }

    /** The listening port; 0 (default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Workers built at the same time (default: CPUs, clamped to 2..4). */
    public Builder parallelism(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1");
      }
      parallelism = workers;
      return this;
    }

    /**
     * Caps the socket descriptors per worker below what ulimit -n allows, so a test can spread a
     * small population over several workers. Default: ulimit -n minus 1000.
     */
    public Builder maxDescriptorsPerWorker(int max) {
      if (max < PopulationPlanner.MAX_LISTENERS + 2) {
        throw new IllegalArgumentException("a worker needs at least 5 descriptors, not " + max);
      }
      maxDescriptorsPerWorker = max;
      return this;
    }

    /** How long one worker may take to build its share (default 20 s + 2 ms per connection). */
    public Builder workerStartupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      workerTimeout = timeout;
      return this;
    }

    /**
     * Checks the host's limits, starts the workers, waits until each has built its share and until
     * ss shows exactly the expected population.
     *
     * @return the running population; close it to tear it down
     * @throws PopulationException with the reason when a limit would be exceeded, a worker fails or
     *     times out, or ss disagrees; nothing of the population is left running then
     */
    public SocketPopulation start() {
      HostLimits limits = HostLimits.read(netns);
      int ceiling = Preflight.descriptorsPerWorker(limits);
      if (maxDescriptorsPerWorker > ceiling) {
        throw new PopulationException(
            "maxDescriptorsPerWorker "
                + maxDescriptorsPerWorker
                + " exceeds what ulimit -n "
                + limits.openFilesSoft()
                + " allows ("
                + ceiling
                + ")");
      }
      int usedPort = port != 0 ? port : freePort();
      List<WorkerPlan> plans =
          PopulationPlanner.plan(
              listenBase,
              usedPort,
              established,
              closeWait,
              timeWait,
              maxDescriptorsPerWorker > 0 ? maxDescriptorsPerWorker : ceiling,
              Preflight.perSource(limits));
      Preflight.check(limits, plans);
      SocketPopulation pop = new SocketPopulation(netns, listenBase, usedPort, plans);
      pop.requireUnused();
      pop.launchAll(plans, parallelism, workerTimeout);
      pop.awaitExpectedCounts();
      return pop;
    }

    /**
     * A port the kernel considers free on the first listener address. In another namespace this
     * process cannot ask the kernel, so it takes a random one below the usual ephemeral range; the
     * start-up check for sockets already on it still applies.
     */
    private int freePort() {
      if (netns != null) {
        return ThreadLocalRandom.current().nextInt(20_000, 32_000);
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(listenBase + ".1.1", 0));
        return probe.getLocalPort();
      } catch (IOException e) {
        throw new PopulationException(
            "cannot bind to " + listenBase + ".1.1 to pick a port: " + e.getMessage(), e);
      }
    }

    private static int nonNegative(int n, String what) {
      if (n < 0) {
        throw new IllegalArgumentException(what + " must not be negative: " + n);
      }
      return n;
    }
  }
}
