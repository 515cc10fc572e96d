package io.sockwatch.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a population over worker processes. Pure, so the arithmetic that decides how many JVMs
 * start is testable without starting any.
 *
 * <p>Held pairs are spread evenly so the workers, which build in parallel, finish together.
 * TIME_WAIT connections hold no descriptor once made, so they are spread evenly too, with extra
 * workers only when a single one would have to make too many of them alone.
 */
final class PopulationPlanner {

  /** Listening sockets a worker may need (one per kind). */
  static final int MAX_LISTENERS = 3;

  /** Time-wait connections one worker makes before another worker is worth starting. */
  static final int TIME_WAIT_PER_WORKER = 50_000;

  /** Workers are numbered into the third octet of the listen base: 127.B.1 to 127.B.254. */
  static final int MAX_WORKERS = 254;

  private PopulationPlanner() {}

  /**
   * Plans the workers.
   *
   * @param listenBase first two octets of every population address, e.g. {@code 127.77}
   * @param maxDescriptors most socket descriptors one worker may hold (listeners + pair ends)
   * @param perSource connections per client source address
   * @throws PopulationException when the population does not fit in {@link #MAX_WORKERS}
   */
  static List<WorkerPlan> plan(
      String listenBase,
      int port,
      int established,
      int closeWait,
      int timeWait,
      int maxDescriptors,
      int perSource) {
    int pairsPerWorker = (maxDescriptors - MAX_LISTENERS) / 2;
    if (pairsPerWorker < 1) {
      throw new PopulationException(
          "a worker may hold only "
              + maxDescriptors
              + " descriptors; it needs at least "
              + (MAX_LISTENERS + 2));
    }
    long pairs = (long) established + closeWait;
    long workers =
        Math.max(ceilDiv(pairs, pairsPerWorker), ceilDiv(timeWait, TIME_WAIT_PER_WORKER));
    if (workers > MAX_WORKERS) {
      throw new PopulationException(
          "the population needs "
              + workers
              + " worker processes of at most "
              + pairsPerWorker
              + " pairs each, but "
              + listenBase
              + ".0.0/16 has room for "
              + MAX_WORKERS
              + ": raise ulimit -n or build fewer sockets");
    }
    int n = (int) workers;
    List<WorkerPlan> plans = new ArrayList<>(n);
    int establishedLeft = established;
    for (int i = 0; i < n; i++) {
      int myPairs = share(pairs, n, i);
      int myEstablished = Math.min(myPairs, establishedLeft);
      establishedLeft -= myEstablished;
      plans.add(
          new WorkerPlan(
              listenBase + '.' + (i + 1),
              port,
              myEstablished,
              myPairs - myEstablished,
              share(timeWait, n, i),
              perSource));
    }
    return plans;
  }

  /** Worker {@code i}'s share of {@code total} split {@code n} ways, remainders first. */
  private static int share(long total, int n, int i) {
    return (int) (total / n + (i < total % n ? 1 : 0));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
