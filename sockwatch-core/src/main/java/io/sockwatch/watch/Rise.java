package io.sockwatch.watch;

import io.sockwatch.history.Trend;
import io.sockwatch.model.watch.Range;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a gauge (sockets of a process, orphans, TCP memory) moved over a window, measured so that a
 * leak can be told from a burst. A leak is a rise that is sustained and consistent: the robust
 * (Theil–Sen) slope is positive, the median of each third of the window is above the median of the
 * third before it, and the later third sits well above the earlier one. A burst that comes and goes
 * leaves the thirds level; a one-off step (a pool filling up once) leaves two thirds level; only a
 * rise spread over the whole window passes.
 *
 * @param slopePerSecond Theil–Sen slope over the window
 * @param growth median of the last third minus median of the first third
 * @param consistent whether the thirds' medians strictly increase
 * @param current the newest value
 * @param points points in the window
 * @param spanSeconds seconds from the first to the last point
 */
record Rise(
    double slopePerSecond,
    double growth,
    boolean consistent,
    double current,
    int points,
    long spanSeconds) {

  /** Fewer points carry no trend worth a finding (Theil–Sen needs a handful to shrug off noise). */
  static final int MIN_POINTS = 8;

  /**
   * The rise of {@code r}'s points, or empty when they cannot say: fewer than {@link #MIN_POINTS},
   * or covering less than half of {@code windowSeconds} (the agent started recently, or the process
   * appeared recently).
   */
  static Optional<Rise> measure(Range r, long windowSeconds) {
    int n = r.size();
    if (n < MIN_POINTS) {
      return Optional.empty();
    }
    long[] t = r.timestamps();
    double[] v = r.values();
    long span = t[n - 1] - t[0];
    if (2 * span < windowSeconds) {
      return Optional.empty();
    }
    double slope = Trend.theilSen(t, v, n).perSecond();
    double[][] thirds = new double[3][n];
    int[] sizes = new int[3];
    for (int i = 0; i < n; i++) {
      int k = (int) Math.min(2, 3 * (t[i] - t[0]) / span);
      thirds[k][sizes[k]++] = v[i];
    }
    if (sizes[0] == 0 || sizes[1] == 0 || sizes[2] == 0) {
      return Optional.of(new Rise(slope, 0, false, v[n - 1], n, span));
    }
    double a = median(thirds[0], sizes[0]);
    double b = median(thirds[1], sizes[1]);
    double c = median(thirds[2], sizes[2]);
    return Optional.of(new Rise(slope, c - a, a < b && b < c, v[n - 1], n, span));
  }

  /** Whether this is a leak: consistent, at least {@code minSlope}/s and {@code minGrowth}. */
  boolean sustained(double minSlopePerSecond, double minGrowth) {
    return consistent && slopePerSecond >= minSlopePerSecond && growth >= minGrowth;
  }

  private static double median(double[] a, int n) {
    double[] s = Arrays.copyOf(a, n);
    Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
