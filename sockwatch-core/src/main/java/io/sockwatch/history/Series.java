package io.sockwatch.history;

import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.Range;
import java.util.Arrays;

/**
 * One series: the 1 s ring and its 10 s and 60 s roll-ups, all fed from the same samples so each
 * roll-up is exact rather than a roll-up of a roll-up. Samples must arrive in time order; a sample
 * not newer than the last one is dropped, because rewriting a closed roll-up bucket could not be
 * done exactly.
 */
final class Series {

  private final RawRing raw;
  private final RollupRing tenSeconds;
  private final RollupRing minutes;
  private long lastSecond = Long.MIN_VALUE;
  private double lastValue = Double.NaN;

  Series(HistoryConfig config) {
    raw = new RawRing(config.rawCapacity());
    tenSeconds = new RollupRing(10, config.tenSecondCapacity());
    minutes = new RollupRing(60, config.minuteCapacity());
  }

  /**
   * Whether a value can be stored: finite and within float range (the rings hold floats; |v| up to
   * 3.4e38 is far beyond any gauge on a node, and keeps every roll-up sum finite).
   */
  static boolean storable(double value) {
    return Math.abs(value) <= Float.MAX_VALUE;
  }

  /** Stores the sample; false (and nothing stored) when it is not storable or not newer. */
  boolean add(long second, double value) {
    if (!storable(value) || second <= lastSecond) {
      return false;
    }
    raw.add(second, value);
    tenSeconds.add(second, value);
    minutes.add(second, value);
    lastSecond = second;
    lastValue = value;
    return true;
  }

  /** Second of the newest sample, Long.MIN_VALUE when none. */
  long lastSecond() {
    return lastSecond;
  }

  Sample latest() {
    return lastSecond == Long.MIN_VALUE ? null : new Sample(lastSecond, lastValue);
  }

  /**
   * Points in [from, to] at the finest tier whose retention reaches back to from (else the coarsest
   * tier, which returns what it still holds), aggregated to step seconds rounded up to a multiple
   * of the tier's width.
   */
  Range range(long from, long to, long step) {
    Buckets tier = tierFor(from);
    int width = tier.width();
    // A step of 2^20 buckets already merges a whole ring into one point; capping keeps it an int.
    long stepWidth = Math.min(Math.ceilDiv(Math.max(step, width), width), 1L << 20) * width;
    long first = Math.max(Math.floorDiv(from, width), tier.oldest());
    long lastBucket = Math.min(Math.floorDiv(to, width), tier.newest());
    if (tier.newest() == Long.MIN_VALUE || first > lastBucket) {
      return Range.empty();
    }
    int max = (int) (lastBucket - first + 1);
    long[] ts = new long[max];
    double[] sums = new double[max];
    double[] counts = new double[max];
    double[] mins = new double[max];
    double[] maxs = new double[max];
    double[] lasts = new double[max];
    int n = 0;
    long current = Long.MIN_VALUE;
    for (long b = first; b <= lastBucket; b++) {
      int c = tier.count(b);
      if (c == 0) {
        continue;
      }
      long start = Math.floorDiv(b * width, stepWidth) * stepWidth;
      if (start != current) {
        current = start;
        ts[n] = start;
        mins[n] = tier.min(b);
        maxs[n] = tier.max(b);
        n++;
      }
      int i = n - 1;
      sums[i] += tier.sum(b);
      counts[i] += c;
      mins[i] = Math.min(mins[i], tier.min(b));
      maxs[i] = Math.max(maxs[i], tier.max(b));
      lasts[i] = tier.last(b);
    }
    for (int i = 0; i < n; i++) {
      sums[i] /= counts[i];
    }
    return new Range(
        width,
        (int) stepWidth,
        Arrays.copyOf(ts, n),
        Arrays.copyOf(sums, n),
        Arrays.copyOf(mins, n),
        Arrays.copyOf(maxs, n),
        Arrays.copyOf(lasts, n));
  }

  private Buckets tierFor(long from) {
    for (Buckets tier : new Buckets[] {raw, tenSeconds}) {
      if (tier.newest() != Long.MIN_VALUE && tier.oldest() * tier.width() <= from) {
        return tier;
      }
    }
    return minutes;
  }
}
