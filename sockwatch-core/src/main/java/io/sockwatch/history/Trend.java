package io.sockwatch.history;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Robust trend estimation for leak detection (the time to a limit at that trend is {@link
 * io.sockwatch.model.finding.Headroom#secondsToLimit}). Theil–Sen (the median of all pairwise
 * slopes) ignores up to ~29% outliers, so a single burst of connections does not look like a leak,
 * where least squares would follow it.
 */
public final class Trend {

  /** Up to this many points all n(n-1)/2 pairs are used (44,850 pairs, a 350 KB scratch array). */
  public static final int EXACT_POINTS = 300;

  /** Above {@link #EXACT_POINTS}, this many random pairs estimate the median (fixed seed). */
  static final int SAMPLED_PAIRS = 50_000;

  private Trend() {}

  /**
   * Theil–Sen slope per second of the first n points. Points with a non-finite value are skipped;
   * pairs with equal timestamps carry no slope and are skipped. Deterministic: the pair sample used
   * above {@link #EXACT_POINTS} points has a fixed seed.
   *
   * @throws IllegalArgumentException if n is negative or exceeds either array
   */
  public static Slope theilSen(long[] seconds, double[] values, int n) {
    if (n < 0 || n > seconds.length || n > values.length) {
      throw new IllegalArgumentException("n out of range: " + n);
    }
    long[] t = new long[n];
    double[] v = new double[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(values[i])) {
        t[m] = seconds[i];
        v[m] = values[i];
        m++;
      }
    }
    double[] slopes;
    int k = 0;
    if (m <= EXACT_POINTS) {
      slopes = new double[m * (m - 1) / 2];
      for (int i = 0; i < m; i++) {
        for (int j = i + 1; j < m; j++) {
          if (t[i] != t[j]) {
            slopes[k++] = (v[j] - v[i]) / (double) (t[j] - t[i]);
          }
        }
      }
    } else {
      slopes = new double[SAMPLED_PAIRS];
      SplittableRandom random = new SplittableRandom(0x5eed);
      for (int s = 0; s < SAMPLED_PAIRS; s++) {
        int i = random.nextInt(m);
        int j = random.nextInt(m);
        if (t[i] != t[j]) {
          slopes[k++] = (v[j] - v[i]) / (double) (t[j] - t[i]);
        }
      }
    }
    return new Slope(median(slopes, k), m);
  }

  private static double median(double[] a, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    Arrays.sort(a, 0, n);
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }
}
