package io.sockwatch.bench;

import io.sockwatch.testkit.PopulationException;
import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.TestNetns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps about {@code count} TIME_WAIT sockets in a namespace for as long as a measurement lasts. A
 * TIME_WAIT socket lives 60 s and the population generator makes them once, so this makes a fresh
 * generation of {@code count / 2} every 30 s (the first one whole), each from addresses of its own
 * ({@code 127.91} onwards), as steady churn would: two generations are alive at any time.
 */
final class TimeWaitSupply implements AutoCloseable {

  private static final long GENERATION_NANOS = 30_000_000_000L;

  /** Listen bases 127.91 to 127.120: 30 generations, 15 minutes. */
  private static final int FIRST_BASE = 91;

  private static final int LAST_BASE = 120;

  private final TestNetns ns;
  private final int count;
  private final List<SocketPopulation> generations = new ArrayList<>();
  private long lastNanos;
  private boolean failed;

  private TimeWaitSupply(TestNetns ns, int count) {
    this.ns = ns;
    this.count = count;
  }

  /** Starts with a whole generation, so the table holds {@code count} TIME_WAIT at once. */
  static TimeWaitSupply start(TestNetns ns, int count) {
    TimeWaitSupply s = new TimeWaitSupply(ns, count);
    s.make(count);
    return s;
  }

  /** Makes the next generation when 30 s have passed since the last; call it often. */
  void tick() {
    if (System.nanoTime() - lastNanos >= GENERATION_NANOS) {
      make(count / 2);
    }
  }

  /**
   * One generation; a failure is reported and ends the supply rather than the measurement (at 1M
   * sockets making 100k more TIME_WAIT timed out once: the window then holds fewer of them).
   */
  private void make(int n) {
    int base = FIRST_BASE + generations.size();
    if (failed || base > LAST_BASE || n == 0) {
      return;
    }
    try {
      generations.add(
          SocketPopulation.builder()
              .netns(ns.name())
              .listenBase("127." + base)
              .timeWait(n)
              .workerStartupTimeout(Duration.ofSeconds(30))
              .start());
    } catch (PopulationException e) {
      failed = true;
      System.out.println("TIME_WAIT not made anew, the window holds fewer: " + e.getMessage());
    }
    lastNanos = System.nanoTime();
  }

  @Override
  public void close() {
    for (SocketPopulation p : generations) {
      p.close();
    }
  }
}
