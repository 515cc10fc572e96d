package io.sockwatch.watch;

/**
 * Keeps the socket-table scan within a CPU budget. Each tick earns {@code budget x elapsed} seconds
 * of CPU; a scan runs when the credit covers what the last scan cost, and spends that cost. A node
 * whose table costs 0.1 s of CPU to scan, under a 5% budget, is thus scanned every 2 s whatever the
 * interval; a small table is scanned every tick. Credit is capped at one scan's cost, so a quiet
 * spell (a suspended VM, a stalled tick) does not buy a burst of scans.
 */
final class ScanBudget {

  static final int WARMUP_SCANS = 5;

  private final double budget;
  private int scans;
  private double credit;
  private double lastCost;
  private long lastNanos;
  private boolean started;

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

  /** Records what a scan cost, in CPU seconds. */
  void spent(double cpuSeconds) {
    lastCost = Math.max(0, cpuSeconds);
    if (++scans > WARMUP_SCANS) {
      credit -= lastCost;
    }
  }

  /** Average seconds between scans this budget allows at the last scan's cost. */
  double sustainableIntervalSeconds() {
    return lastCost / budget;
  }
}
