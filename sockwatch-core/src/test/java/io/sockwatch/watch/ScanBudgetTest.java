package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The budget over simulated time: ticks every second, a scan of fixed CPU cost whenever the budget
 * allows, and CPU the agent spends besides (per tick, or serving HTTP). What the agent spends in
 * all, and how often it scans, is what an operator sees.
 */
class ScanBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  /** Totals of one simulated run. */
  private record Run(double cpuShare, int scans, double seconds) {
    double scanInterval() {
      return seconds / scans;
    }
  }

  /**
   * {@code seconds} ticks, 1 s apart; each tick costs {@code tickCpu} and, when the budget allows,
   * a scan costs {@code scanCpu}. Warm-up scans are left out of the totals.
   */
  private static Run simulate(double budget, double scanCpu, double tickCpu, int seconds) {
    ScanBudget b = new ScanBudget(budget);
    long cpu = 0;
    int scans = 0;
    long cpuAfterWarmup = 0;
    int scansAfterWarmup = 0;
    int warmupEnd = -1;
    for (int t = 0; t < seconds; t++) {
      long now = t * SECOND;
      cpu += (long) (tickCpu * SECOND);
      if (b.shouldScan(now)) {
        cpu += (long) (scanCpu * SECOND);
        b.spent(scanCpu, cpu, now);
        scans++;
        if (scans == ScanBudget.WARMUP_SCANS) {
          warmupEnd = t;
          cpuAfterWarmup = cpu;
        } else if (scans > ScanBudget.WARMUP_SCANS) {
          scansAfterWarmup++;
        }
      }
    }
    double span = seconds - 1 - warmupEnd;
    return new Run((cpu - cpuAfterWarmup) / 1e9 / span, scansAfterWarmup, span);
  }

  @Test
  void scansEveryTickWhenTheTableIsCheap() {
    Run r = simulate(0.05, 0.01, 0.001, 600);

    assertThat(r.scanInterval()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void theWholeAgentStaysWithinTheBudgetNotOnlyItsScans() {
    // 0.4 s scans and 5 ms per tick besides: the old rule (scans alone at 5%) spent 5.5%.
    Run r = simulate(0.05, 0.4, 0.005, 3600);

    assertThat(r.cpuShare()).isBetween(0.045, 0.0505);
    assertThat(r.scanInterval()).isBetween(8.0, 10.0);
  }

  @Test
  void heavyWorkBesidesScansSlowsThemButNeverStopsThem() {
    // 10% of a core spent besides scans (a dashboard polling hard): more than the whole budget.
    Run r = simulate(0.05, 0.4, 0.10, 3600);

    assertThat(r.scans()).isPositive();
    // Half the budget is left to scans: 0.4 s every 16 s.
    assertThat(r.scanInterval()).isBetween(15.0, 18.0);
  }
}
