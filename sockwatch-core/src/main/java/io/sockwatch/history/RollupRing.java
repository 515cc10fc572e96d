package io.sockwatch.history;

/**
 * Roll-up buckets of a fixed width in a ring: min, max and last as floats, the sum as a double (so
 * the mean stays exact over 60 samples) and the count as a byte, 21 bytes per bucket. Min and max
 * keep spikes a mean would hide; mean and last keep the trend. A count of 0 is a gap.
 */
final class RollupRing implements Buckets {

  /** Bytes of the five arrays (16-byte header each). */
  static long bytesFor(int capacity) {
    return 5 * 16L + 21L * capacity;
  }

  private final int width;
  private final float[] min;
  private final float[] max;
  private final float[] last;
  private final double[] sum;
  private final byte[] count;
  private long newest = Long.MIN_VALUE;

  RollupRing(int widthSeconds, int capacity) {
    if (widthSeconds < 1 || widthSeconds > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("bucket width must be 1..127 s");
    }
    width = widthSeconds;
    min = new float[capacity];
    max = new float[capacity];
    last = new float[capacity];
    sum = new double[capacity];
    count = new byte[capacity];
  }

  @Override
  public int width() {
    return width;
  }

  /** Index (second / width) of the newest bucket, or Long.MIN_VALUE before the first sample. */
  @Override
  public long newest() {
    return newest;
  }

  /** Index of the oldest bucket the ring still covers. */
  @Override
  public long oldest() {
    return newest - count.length + 1;
  }

  /** Adds a sample; the caller guarantees second is newer than every earlier one. */
  void add(long second, double value) {
    long bucket = Math.floorDiv(second, width);
    if (bucket != newest) {
      if (newest != Long.MIN_VALUE) {
        long skipped = Math.min(bucket - newest - 1, count.length);
        for (long b = newest + 1; b < newest + 1 + skipped; b++) {
          count[slot(b)] = 0;
        }
      }
      newest = bucket;
      count[slot(bucket)] = 0;
    }
    int i = slot(bucket);
    float f = (float) value;
    if (count[i] == 0) {
      min[i] = f;
      max[i] = f;
      sum[i] = value;
    } else {
      min[i] = Math.min(min[i], f);
      max[i] = Math.max(max[i], f);
      sum[i] += value;
    }
    last[i] = f;
    count[i]++;
  }

  /** Samples in bucket, 0 for a gap or a bucket outside the ring. */
  @Override
  public int count(long bucket) {
    return inRing(bucket) ? count[slot(bucket)] : 0;
  }

  @Override
  public double min(long bucket) {
    return min[slot(bucket)];
  }

  @Override
  public double max(long bucket) {
    return max[slot(bucket)];
  }

  @Override
  public double last(long bucket) {
    return last[slot(bucket)];
  }

  @Override
  public double sum(long bucket) {
    return sum[slot(bucket)];
  }

  private boolean inRing(long bucket) {
    return newest != Long.MIN_VALUE && bucket <= newest && bucket >= oldest();
  }

  private int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) count.length);
  }
}
