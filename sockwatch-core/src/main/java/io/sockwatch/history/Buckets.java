package io.sockwatch.history;

/**
 * Read view shared by the 1 s ring and the roll-up rings, so a range query aggregates any tier the
 * same way. Bucket b covers seconds [b * width, (b + 1) * width).
 */
interface Buckets {

  int width();

  /** Newest bucket index, Long.MIN_VALUE when empty. */
  long newest();

  /** Oldest bucket index still held. */
  long oldest();

  /** Samples in the bucket; 0 for a gap or a bucket outside the ring. */
  int count(long bucket);

  double min(long bucket);

  double max(long bucket);

  double sum(long bucket);

  double last(long bucket);
}
