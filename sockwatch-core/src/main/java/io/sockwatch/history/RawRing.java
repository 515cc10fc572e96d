package io.sockwatch.history;

import java.util.Arrays;

/**
 * One-second samples in a ring of floats: the slot implies the timestamp, so a sample costs 4
 * bytes. NaN marks a gap (the sampler skipped that second), never a zero. A float holds integers
 * exactly up to 2^24 and larger values to 7 digits, which is enough for a graph; the exact latest
 * value is kept by {@link Series}.
 */
final class RawRing implements Buckets {

  /** Bytes of the float array (16-byte array header included). */
  static long bytesFor(int capacity) {
    return 16L + 4L * capacity;
  }

  private final float[] values;
  private long newest = Long.MIN_VALUE;

  RawRing(int capacity) {
    values = new float[capacity];
    Arrays.fill(values, Float.NaN);
  }

  @Override
  public int width() {
    return 1;
  }

  /** Second of the newest slot, or Long.MIN_VALUE before the first sample. */
  @Override
  public long newest() {
    return newest;
  }

  /** Oldest second the ring still covers. */
  @Override
  public long oldest() {
    return newest - values.length + 1;
  }

  /** Stores a sample; the caller guarantees second is newer than every earlier one. */
  void add(long second, double value) {
    if (newest != Long.MIN_VALUE) {
      long skipped = Math.min(second - newest - 1, values.length);
      for (long s = newest + 1; s < newest + 1 + skipped; s++) {
        values[slot(s)] = Float.NaN;
      }
    }
    newest = second;
    values[slot(second)] = (float) value;
  }

  /** Value at second, NaN when it is a gap or outside the ring. */
  double get(long second) {
    if (newest == Long.MIN_VALUE || second > newest || second < oldest()) {
      return Double.NaN;
    }
    return values[slot(second)];
  }

  @Override
  public int count(long second) {
    return Double.isNaN(get(second)) ? 0 : 1;
  }

  @Override
  public double min(long second) {
    return get(second);
  }

  @Override
  public double max(long second) {
    return get(second);
  }

  @Override
  public double sum(long second) {
    return get(second);
  }

  @Override
  public double last(long second) {
    return get(second);
  }

  private int slot(long second) {
    return (int) Math.floorMod(second, (long) values.length);
  }
}
