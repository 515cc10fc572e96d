package io.sockwatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.SeriesKey;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrendTest {

  /** A line with small noise and 20% large one-sided spikes (bursts of connections). */
  private static double[] noisyLine(SplittableRandom random, long[] t, double slope) {
    double[] v = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = 1_790_000_000L + 3L * i + random.nextInt(3);
      v[i] = 5000 + slope * (t[i] - t[0]) + random.nextDouble(-0.5, 0.5);
      if (random.nextInt(5) == 0) {
        v[i] += random.nextDouble(1_000, 50_000);
      }
    }
    return v;
  }

  @Test
  void withinOnePercentOfTheTrueSlopeDespiteTwentyPercentOutliers() {
    long seed = System.nanoTime();
    System.out.println("TrendTest seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int n : new int[] {50, 300, 301, 3600}) {
      for (double slope : new double[] {2.5, -0.8, 40}) {
        long[] t = new long[n];
        double[] v = noisyLine(random, t, slope);
        Slope s = Trend.theilSen(t, v, n);
        assertThat(s.points()).isEqualTo(n);
        assertThat(s.perSecond())
            .as("n=%d slope=%f", n, slope)
            .isCloseTo(slope, within(Math.abs(slope) * 0.01));
      }
    }
  }

  @Test
  void leastSquaresWouldBeFooledByTheSameOutliers() {
    SplittableRandom random = new SplittableRandom(42);
    long[] t = new long[200];
    double[] v = noisyLine(random, t, 1);
    double mt = 0;
    double mv = 0;
    for (int i = 0; i < t.length; i++) {
      mt += t[i] - t[0];
      mv += v[i];
    }
    mt /= t.length;
    mv /= t.length;
    double num = 0;
    double den = 0;
    for (int i = 0; i < t.length; i++) {
      num += (t[i] - t[0] - mt) * (v[i] - mv);
      den += (t[i] - t[0] - mt) * (t[i] - t[0] - mt);
    }
    assertThat(Math.abs(num / den - 1)).isGreaterThan(0.01);
    assertThat(Trend.theilSen(t, v, t.length).perSecond()).isCloseTo(1, within(0.01));
  }

  @Test
  void skipsNonFiniteValuesAndNeedsTwoDistinctTimestamps() {
    long[] t = {10, 11, 12, 13};
    double[] v = {1, Double.NaN, 3, Double.POSITIVE_INFINITY};
    Slope s = Trend.theilSen(t, v, 4);
    assertThat(s.points()).isEqualTo(2);
    assertThat(s.perSecond()).isEqualTo(1);
    assertThat(Trend.theilSen(new long[] {5, 5}, new double[] {1, 2}, 2).perSecond()).isNaN();
    assertThat(Trend.theilSen(t, v, 0).perSecond()).isNaN();
    assertThatThrownBy(() -> Trend.theilSen(t, v, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void historySlopeUsesTheStoredSeries() {
    History history = new History(HistoryConfig.DEFAULTS);
    SeriesKey key = SeriesKey.of("sockwatch_sockets", "state", "CLOSE_WAIT");
    for (int i = 0; i < 600; i++) {
      history.record(key, 1_790_000_000L + i, 100 + 0.5 * i + (i % 10 == 0 ? 300 : 0));
    }
    Slope s = history.slope(key, 1_790_000_000L, 1_790_000_599L);
    assertThat(s.points()).isEqualTo(600);
    assertThat(s.perSecond()).isCloseTo(0.5, within(0.005));
  }
}
