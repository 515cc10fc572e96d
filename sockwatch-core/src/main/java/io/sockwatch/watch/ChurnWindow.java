package io.sockwatch.watch;

import io.sockwatch.history.History;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.SeriesNames;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The per-scan connection rates to one destination over the churn window, with the statistics the
 * churn detector judges: the median (so a single burst scan does not make churn), the spread
 * between scans (a herd is steady) and the share of new connections that were already in TIME_WAIT
 * when first seen (short-lived).
 *
 * <p>The window is the points of the last {@code windowSeconds}, but at least the last {@link
 * #MIN_POINTS} within {@link #LOOKBACK_SECONDS}: when the CPU budget spaces scans out on a large
 * node, a short window would otherwise never hold enough scans.
 *
 * @param fromSecond timestamp of the first point used
 * @param rates new connections per second, one per scan, oldest first
 * @param newTimeWait of those, already in TIME_WAIT when first seen, per second
 */
record ChurnWindow(long fromSecond, double[] rates, double newTimeWait) {

  static final int MIN_POINTS = 3;
  static final long LOOKBACK_SECONDS = 60;

  /** The window of {@code destination} at {@code now}; null when it holds too few scans. */
  static ChurnWindow of(History h, String destination, long now, double windowSeconds) {
    Range r =
        h.range(
            SeriesNames.destination(SeriesNames.DESTINATION_NEW, destination),
            now - LOOKBACK_SECONDS,
            now,
            1);
    int n = r.size();
    int start = n;
    while (start > 0 && r.timestamps()[start - 1] > now - windowSeconds) {
      start--;
    }
    start = Math.min(start, n - MIN_POINTS);
    if (start < 0) {
      return null;
    }
    long from = r.timestamps()[start];
    double[] rates = Arrays.copyOfRange(r.values(), start, n);
    SeriesKey tw = SeriesNames.destination(SeriesNames.DESTINATION_NEW_TIME_WAIT, destination);
    return new ChurnWindow(from, rates, mean(h, tw, from, now).orElse(0));
  }

  /** Mean of {@code key}'s points in [from, now]; empty when it has none (not measured). */
  static OptionalDouble mean(History h, SeriesKey key, long from, long now) {
    Range r = h.range(key, from, now, 1);
    return r.size() == 0 ? OptionalDouble.empty() : Arrays.stream(r.values()).average();
  }

  double median() {
    double[] s = rates.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  double mean() {
    return Arrays.stream(rates).average().orElse(0);
  }

  /** Coefficient of variation of the per-scan rates: 0 for a perfectly steady rate. */
  double variation() {
    double m = mean();
    if (m <= 0) {
      return 0;
    }
    double sq = 0;
    for (double r : rates) {
      sq += (r - m) * (r - m);
    }
    return Math.sqrt(sq / rates.length) / m;
  }

  /** Share of new connections already in TIME_WAIT when first seen, 0..1. */
  double shortLivedShare() {
    double m = mean();
    return m <= 0 ? 0 : Math.min(1, newTimeWait / m);
  }
}
