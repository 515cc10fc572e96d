package io.sockwatch.model.watch;

/**
 * Sizes of the history store. Every ring is allocated in full when its series is created, so these
 * numbers fix memory up front: with the defaults one series costs 90,176 bytes (1 s x 3600 floats,
 * 10 s x 2160 and 60 s x 1440 roll-up buckets of 21 bytes), and the 2000-series cap about 180 MB,
 * which is below the default 256 MiB memory cap so the series cap is the one that binds.
 *
 * @param rawCapacity one-second slots (3600 = the last hour at full resolution)
 * @param tenSecondCapacity ten-second roll-up buckets (2160 = six hours)
 * @param minuteCapacity one-minute roll-up buckets (1440 = one day)
 * @param maxSeries hard cap on the number of series
 * @param maxBytes hard cap on the bytes of all rings together
 * @param evictAfterSeconds a series not updated for this long may be evicted to make room for a new
 *     one; fresher series are never evicted (the new one is refused instead)
 */
public record HistoryConfig(
    int rawCapacity,
    int tenSecondCapacity,
    int minuteCapacity,
    int maxSeries,
    long maxBytes,
    long evictAfterSeconds) {

  /**
   * Largest accepted epoch second (year ~36,800); keeps all bucket arithmetic far from overflow.
   */
  public static final long MAX_EPOCH_SECOND = 1L << 40;

  /** One hour at 1 s, six hours at 10 s, a day at 60 s, 2000 series, 256 MiB, evict after 1 h. */
  public static final HistoryConfig DEFAULTS =
      new HistoryConfig(3600, 2160, 1440, 2000, 256L << 20, 3600);

  public HistoryConfig {
    if (rawCapacity < 1 || tenSecondCapacity < 1 || minuteCapacity < 1) {
      throw new IllegalArgumentException("ring capacities must be at least 1");
    }
    if (maxSeries < 0 || maxBytes < 0 || evictAfterSeconds < 0) {
      throw new IllegalArgumentException("caps must not be negative");
    }
  }
}
