package io.sockwatch.model.watch;

import io.sockwatch.model.finding.DoctorConfig;

/**
 * How the node agent samples and judges.
 *
 * @param intervalSeconds time between ticks, at least 1 s; node counters are read every tick
 * @param cpuBudget fraction of one core the agent may use on average (0.05 = 5%), scans and all
 *     else; when a full scan costs more than the budget allows at {@code intervalSeconds}, scans
 *     are spaced out (node counters still come every tick) and the effective scan interval is
 *     reported
 * @param topN processes and destinations kept per tick as their own series and metrics; the rest
 *     are summed into totals, which bounds cardinality whatever the socket table holds
 * @param leakWindowSeconds window of the robust slope that detects leaks
 * @param openAfterTicks consecutive ticks a problem must be seen before its finding opens
 * @param resolveAfterSeconds seconds a problem must be gone before its finding resolves
 * @param history sizes of the history store
 * @param doctor thresholds and declared expectations, shared with {@code sockwatch doctor}
 */
public record WatchConfig(
    double intervalSeconds,
    double cpuBudget,
    int topN,
    int leakWindowSeconds,
    int openAfterTicks,
    double resolveAfterSeconds,
    HistoryConfig history,
    DoctorConfig doctor) {

  /**
   * History for the agent: one hour at 1 s, six hours at 10 s, a day at 60 s, as the store's
   * defaults, but capped at 64 MiB (about 740 series) so that history plus two socket tables of
   * 100k sockets stay under a 256 MiB heap.
   */
  public static final HistoryConfig AGENT_HISTORY =
      new HistoryConfig(3600, 2160, 1440, 740, 64L << 20, 3600);

  public static final WatchConfig DEFAULTS =
      new WatchConfig(1, 0.05, 20, 300, 2, 30, AGENT_HISTORY, DoctorConfig.DEFAULTS);

  public WatchConfig {
    // History keeps one point per second: a shorter interval would only overwrite points.
    if (!(intervalSeconds >= 1) || intervalSeconds > 600) {
      throw new IllegalArgumentException("interval must be in [1, 600] seconds");
    }
    if (!(cpuBudget > 0) || cpuBudget > 1) {
      throw new IllegalArgumentException("cpu budget must be in (0, 1]");
    }
    if (topN < 1 || topN > 1000) {
      throw new IllegalArgumentException("top must be in [1, 1000]");
    }
    if (leakWindowSeconds < 10) {
      throw new IllegalArgumentException("leak window must be at least 10 s");
    }
    if (openAfterTicks < 1) {
      throw new IllegalArgumentException("open-after must be at least 1 tick");
    }
    if (!(resolveAfterSeconds >= 0)) {
      throw new IllegalArgumentException("resolve-after must not be negative");
    }
  }
}
