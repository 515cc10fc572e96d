package io.sockwatch.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The herd of issue 14's port-exhaustion incident, for live tests: {@code N} prober processes
 * (default 20), prober {@code i} listening on {@code 127.0.0.(10+i):PORT} and connecting from that
 * address to every other one each interval, closing first (see {@link ProberMain}). Each keeps its
 * own exact count, which {@link #counts()} reads at a known moment and {@link #stop()} at the end.
 *
 * <p>{@link #listen} returns once every prober listens and none has connected yet, so that a test
 * can read its baselines (TcpActiveOpens, the tracer's first drain) before {@link #begin()}; {@link
 * #start} does both. {@link #close()} kills every prober by pid, also after a failed start.
 */
public final class HerdProbers implements AutoCloseable {
  public static final int DEFAULT_COUNT = 20;
  public static final int DEFAULT_PORT = 8558;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** The first prober's address is 127.0.0.{@value}. */
  public static final int FIRST_HOST = 10;

  /** Twenty JVMs starting together on two cores take 5-15 s; this bounds a start gone wrong. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final List<ProberProcess> members;
  private final int port;
  private final Duration interval;

  private HerdProbers(List<ProberProcess> members, int port, Duration interval) {
    this.members = List.copyOf(members);
    this.port = port;
    this.interval = interval;
  }

  /** Twenty probers on port 8558 every second, in {@code ns} (null: this namespace), probing. */
  public static HerdProbers start(TestNetns ns) throws IOException {
    return start(ns, DEFAULT_COUNT, DEFAULT_PORT, DEFAULT_INTERVAL);
  }

  /** {@link #listen} then {@link #begin}. */
  public static HerdProbers start(TestNetns ns, int count, int port, Duration interval)
      throws IOException {
    HerdProbers herd = listen(ns, count, port, interval);
    try {
      return herd.begin();
    } catch (IOException | RuntimeException e) {
      herd.close();
      throw e;
    }
  }

  /**
   * Starts {@code count} probers in {@code ns} (null: this process's namespace) and waits until all
   * listen; none probes yet. On any failure every prober started is killed before this throws.
   */
  public static HerdProbers listen(TestNetns ns, int count, int port, Duration interval)
      throws IOException {
    if (count < 2 || FIRST_HOST + count - 1 > 254) {
      throw new IllegalArgumentException("a herd has 2.." + (255 - FIRST_HOST) + " probers");
    }
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval below 1 ms: " + interval);
    }
    List<ProberProcess> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(ProberProcess.launch(ns, address(i), args(i, count, port, interval)));
      }
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      for (ProberProcess p : started) {
        p.awaitReady(deadline);
      }
      return new HerdProbers(started, port, interval);
    } catch (IOException | RuntimeException e) {
      started.forEach(ProberProcess::kill);
      throw e;
    }
  }

  /** Prober {@code i}'s address: {@code 127.0.0.(10+i)}. */
  public static String address(int i) {
    return "127.0.0." + (FIRST_HOST + i);
  }

  static ProberArgs args(int i, int count, int port, Duration interval) {
    List<String> peers = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      if (j != i) {
        peers.add(address(j) + ":" + port);
      }
    }
    long rounds = ProberArgs.defaultRounds(interval.toMillis());
    return new ProberArgs(
        address(i) + ":" + port, address(i), interval.toMillis(), rounds, false, peers);
  }

  /** Tells every prober to begin its schedule. */
  public HerdProbers begin() throws IOException {
    for (ProberProcess p : members) {
      p.send("start");
    }
    return this;
  }

  public int port() {
    return port;
  }

  public Duration interval() {
    return interval;
  }

  /** The probers' addresses, prober {@code i} at index {@code i}. */
  public List<String> addresses() {
    return members.stream().map(ProberProcess::label).toList();
  }

  /** The probers' pids, in the order of {@link #addresses()}. */
  public List<Long> pids() {
    return members.stream().map(ProberProcess::pid).toList();
  }

  /**
   * Every prober's count now (asked of all at once, then read), in the order of {@link
   * #addresses()}.
   */
  public List<ProbeCount> counts() throws IOException {
    return ask("count");
  }

  /**
   * Stops every prober after its current round and returns the final counts; their listeners stay
   * up until {@link #close()}, so nothing in flight is refused.
   */
  public List<ProbeCount> stop() throws IOException {
    return ask("stop");
  }

  /** The sum of {@code counts}. */
  public static ProbeCount total(List<ProbeCount> counts) {
    return counts.stream().reduce(ProbeCount.ZERO, ProbeCount::plus);
  }

  private List<ProbeCount> ask(String command) throws IOException {
    for (ProberProcess p : members) {
      p.send(command);
    }
    long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    List<ProbeCount> out = new ArrayList<>();
    for (ProberProcess p : members) {
      out.add(p.awaitCount(deadline));
    }
    return out;
  }

  /** Kills every prober by pid (bounded wait for each). */
  @Override
  public void close() {
    members.forEach(ProberProcess::kill);
  }
}
