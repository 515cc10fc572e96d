package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScanBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  /** Ticks every second for {@code seconds}, each scan costing {@code cost}; returns scans. */
  private static int run(ScanBudget b, double cost, int seconds) {
    int scans = 0;
    for (int s = 0; s < seconds; s++) {
      if (b.shouldScan(s * SECOND)) {
        b.spent(cost);
        scans++;
      }
    }
    return scans;
  }

  @Test
  void cheapScansRunEveryTick() {
    ScanBudget b = new ScanBudget(0.05);
    assertThat(run(b, 0.01, 100)).isEqualTo(100);
    assertThat(b.sustainableIntervalSeconds())
        .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void expensiveScansAreSpacedToTheBudget() {
    ScanBudget b = new ScanBudget(0.05);
    int scans = run(b, 0.2, 1000);
    // 0.2 s of CPU at 5% of a core: one scan per 4 s, so about 250 in 1000 s (plus warm-up).
    double cpu = scans * 0.2 - ScanBudget.WARMUP_SCANS * 0.2;
    assertThat(cpu / 1000).isBetween(0.045, 0.0505);
    assertThat(b.sustainableIntervalSeconds()).isEqualTo(4.0);
  }

  @Test
  void warmUpScansAreNotCharged() {
    ScanBudget b = new ScanBudget(0.05);
    int scans = run(b, 10, ScanBudget.WARMUP_SCANS);
    assertThat(scans).isEqualTo(ScanBudget.WARMUP_SCANS);
  }

  @Test
  void aQuietSpellDoesNotBuyABurst() {
    ScanBudget b = new ScanBudget(0.05);
    run(b, 0.2, 20);
    // an hour without ticks, then ticks every second again
    long t = 3600 * SECOND;
    int burst = 0;
    for (int s = 0; s < 10; s++) {
      if (b.shouldScan(t + s * SECOND)) {
        b.spent(0.2);
        burst++;
      }
    }
    // one scan at once on the saved-up credit, then the steady one per 4 s: 0, 4, 8
    assertThat(burst).isEqualTo(3);
  }
}
