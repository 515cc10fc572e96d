package io.sockwatch.watch;

/**
 * Keeps the agent within a CPU budget by spacing socket-table scans. Each tick earns {@code budget
 * x elapsed} seconds of CPU; a scan runs when the credit covers what the last one was charged, and
 * is charged its own CPU plus the rest of the agent's CPU since the previous scan (ticks' node
 * counters and detectors, HTTP requests, garbage collection outside the scan), so that the whole
 * agent, not only its scans, stays within the budget. That rest is charged up to half the budget
 * over the time it took: a dashboard polling hard slows scans down to half the budget but never
 * stops them. A node whose table costs 0.1 s of CPU to scan, under a 5% budget, is thus scanned
 * about every 2 s whatever the interval; a small table is scanned every tick. Credit is capped at
 * one charge plus one tick's earning, so a quiet spell does not buy a burst of scans.
 */
final class ScanBudget {

  static final int WARMUP_SCANS = 5;

  private final double budget;
  private int scans;
  private double credit;
  private double lastCost;
  private long lastNanos;
  private boolean started;
  private long lastChargeCpuNanos = -1;
  private long lastChargeNanos;

  ScanBudget(double budget) {
    this.budget = budget;
  }

  /** Whether to scan at {@code nowNanos} (monotonic); the first call always scans. */
  boolean shouldScan(long nowNanos) {
    if (!started) {
      started = true;
      lastNanos = nowNanos;
      return true;
    }
    double earned = budget * Math.max(0, nowNanos - lastNanos) / 1e9;
    lastNanos = nowNanos;
    credit = Math.min(credit + earned, lastCost);
    return scans < WARMUP_SCANS || credit >= lastCost;
  }

  /**
   * Records a scan that cost {@code scanCpuSeconds}, ending at process CPU time {@code
   * processCpuNanos} and monotonic time {@code nowNanos}.
   */
  void spent(double scanCpuSeconds, long processCpuNanos, long nowNanos) {
    double scan = Math.max(0, scanCpuSeconds);
    double rest = 0;
    if (lastChargeCpuNanos >= 0) {
      double all = Math.max(0, processCpuNanos - lastChargeCpuNanos) / 1e9;
      double elapsed = Math.max(0, nowNanos - lastChargeNanos) / 1e9;
      rest = Math.min(Math.max(0, all - scan), budget / 2 * elapsed);
    }
    lastChargeCpuNanos = processCpuNanos;
    lastChargeNanos = nowNanos;
    lastCost = scan + rest;
    if (++scans > WARMUP_SCANS) {
      credit -= lastCost;
    }
  }

  /** Average seconds between scans this budget allows at the last scan's charge. */
  double sustainableIntervalSeconds() {
    return lastCost / budget;
  }
}
