package io.sockwatch.history;

import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bounded in-memory history of many series for the node agent. It never grows past {@link
 * HistoryConfig#maxSeries()} series or {@link HistoryConfig#maxBytes()} bytes of rings: a new
 * series beyond a cap replaces the least recently updated series only if that one has been silent
 * for {@link HistoryConfig#evictAfterSeconds()} (its process or peer is gone), otherwise it is
 * refused and counted, so a cardinality explosion shows up in {@link #status()} instead of eating
 * the node's memory. Time comes only from sample timestamps, so the store has no clock and no
 * threads. Not thread-safe: one sampler thread writes, readers must synchronize with it.
 */
public final class History {

  /** Largest accepted epoch second: {@link HistoryConfig#MAX_EPOCH_SECOND}. */
  public static final long MAX_EPOCH_SECOND = HistoryConfig.MAX_EPOCH_SECOND;

  private final HistoryConfig config;
  private final long bytesPerSeries;
  private final Map<SeriesKey, Series> series = new HashMap<>();
  private long refused;
  private long evicted;
  private long dropped;

  public History(HistoryConfig config) {
    this.config = config;
    this.bytesPerSeries = bytesPerSeries(config);
  }

  /** Exact bytes of the arrays one series allocates with {@code config}, array headers included. */
  public static long bytesPerSeries(HistoryConfig config) {
    return RawRing.bytesFor(config.rawCapacity())
        + RollupRing.bytesFor(config.tenSecondCapacity())
        + RollupRing.bytesFor(config.minuteCapacity());
  }

  /**
   * Records value for key at epochSecond. Returns false when the sample was not stored: its series
   * was refused by a cap, or the value is not finite (NaN marks "not measured", which is a gap) or
   * beyond float range, or the sample is not newer than the series' last one.
   *
   * @throws IllegalArgumentException if epochSecond is outside [0, {@link #MAX_EPOCH_SECOND}]
   */
  public boolean record(SeriesKey key, long epochSecond, double value) {
    checkSecond(epochSecond);
    Series s = series.get(key);
    if (s == null) {
      if (!Series.storable(value)) {
        dropped++;
        return false;
      }
      s = admit(key, epochSecond);
      if (s == null) {
        return false;
      }
    }
    if (!s.add(epochSecond, value)) {
      dropped++;
      return false;
    }
    return true;
  }

  /** Newest sample of key, empty when the series is unknown. */
  public Optional<Sample> latest(SeriesKey key) {
    Series s = series.get(key);
    return s == null ? Optional.empty() : Optional.ofNullable(s.latest());
  }

  /**
   * Points of key in [from, to] (epoch seconds, inclusive) with about step seconds per point, from
   * the finest tier that still holds from; empty when the series is unknown. Points are whole
   * buckets, so the first may start before from.
   *
   * @throws IllegalArgumentException if from > to or step < 1
   */
  public Range range(SeriesKey key, long from, long to, long step) {
    if (from > to || step < 1) {
      throw new IllegalArgumentException("need from <= to and step >= 1");
    }
    Series s = series.get(key);
    if (s == null || to < 0 || from > MAX_EPOCH_SECOND) {
      return Range.empty();
    }
    return s.range(Math.max(from, 0), Math.min(to, MAX_EPOCH_SECOND), step);
  }

  /** Theil–Sen slope of key over [from, to] at 1 s (or the finest tier holding from). */
  public Slope slope(SeriesKey key, long from, long to) {
    Range r = range(key, from, to, 1);
    return Trend.theilSen(r.timestamps(), r.values(), r.size());
  }

  /** Every series held, in no particular order (a copy). */
  public List<SeriesKey> keys() {
    return List.copyOf(series.keySet());
  }

  /** Counts and bytes for /api/status. */
  public HistoryStatus status() {
    return new HistoryStatus(
        series.size(),
        config.maxSeries(),
        series.size() * bytesPerSeries,
        config.maxBytes(),
        refused,
        evicted,
        dropped);
  }

  private Series admit(SeriesKey key, long now) {
    if (!fits(series.size() + 1) && (!evictStale(now) || !fits(series.size() + 1))) {
      refused++;
      return null;
    }
    Series s = new Series(config);
    series.put(key, s);
    return s;
  }

  private boolean fits(int count) {
    return count <= config.maxSeries() && count * bytesPerSeries <= config.maxBytes();
  }

  /** Evicts the least recently updated series if it has been silent long enough. */
  private boolean evictStale(long now) {
    SeriesKey oldestKey = null;
    long oldest = Long.MAX_VALUE;
    for (Map.Entry<SeriesKey, Series> e : series.entrySet()) {
      if (e.getValue().lastSecond() < oldest) {
        oldest = e.getValue().lastSecond();
        oldestKey = e.getKey();
      }
    }
    if (oldestKey == null || now - oldest < config.evictAfterSeconds()) {
      return false;
    }
    series.remove(oldestKey);
    evicted++;
    return true;
  }

  private static void checkSecond(long epochSecond) {
    if (epochSecond < 0 || epochSecond > MAX_EPOCH_SECOND) {
      throw new IllegalArgumentException("epoch second out of range: " + epochSecond);
    }
  }
}
