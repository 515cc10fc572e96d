package io.sockwatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static final SeriesKey KEY = SeriesKey.of("sockwatch_sockets", "state", "TIME_WAIT");
  private static final long T0 = 1_790_000_000L;

  /** Small rings so random data wraps each of them many times. */
  private static final HistoryConfig SMALL = new HistoryConfig(100, 50, 40, 10, 1L << 30, 3600);

  private record Point(long second, double value) {}

  /** Feeds a random series with ~10% gaps and long pauses; returns what was fed. */
  private static List<Point> feed(History history, long seed, int seconds) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Point> fed = new ArrayList<>();
    long t = T0 + random.nextInt(60);
    for (int i = 0; i < seconds; i++) {
      t += random.nextInt(10) == 0 ? 1 + random.nextInt(random.nextInt(50) == 0 ? 400 : 3) : 1;
      double v = random.nextDouble(-1000, 1000);
      assertThat(history.record(KEY, t, v)).isTrue();
      fed.add(new Point(t, v));
    }
    return fed;
  }

  /** Naive roll-up of the fed points into [from, to] at width: the reference for the rings. */
  private static void assertMatches(Range r, List<Point> fed, long from, long to, int width) {
    List<long[]> starts = new ArrayList<>();
    List<double[]> stats = new ArrayList<>();
    for (Point p : fed) {
      if (p.second() < from || p.second() > to) {
        continue;
      }
      long start = Math.floorDiv(p.second(), width) * width;
      float f = (float) p.value();
      if (starts.isEmpty() || starts.getLast()[0] != start) {
        starts.add(new long[] {start});
        stats.add(new double[] {f, f, 0, 0, 0});
      }
      double[] s = stats.getLast();
      s[0] = Math.min(s[0], f);
      s[1] = Math.max(s[1], f);
      // The 1 s ring stores floats; roll-ups sum the exact doubles.
      s[2] += r.resolutionSeconds() == 1 ? f : p.value();
      s[3]++;
      s[4] = f;
    }
    assertThat(r.size()).isEqualTo(starts.size());
    for (int i = 0; i < r.size(); i++) {
      double[] s = stats.get(i);
      assertThat(r.timestamps()[i]).isEqualTo(starts.get(i)[0]);
      assertThat(r.min()[i]).isEqualTo(s[0]);
      assertThat(r.max()[i]).isEqualTo(s[1]);
      assertThat(r.values()[i]).isCloseTo(s[2] / s[3], within(1e-9));
      assertThat(r.last()[i]).isEqualTo(s[4]);
    }
  }

  @Test
  void everyTierMatchesNaiveRollupOfRandomData() {
    long seed = System.nanoTime();
    System.out.println("HistoryTest seeds " + seed + ".." + (seed + 19));
    for (int round = 0; round < 20; round++) {
      History history = new History(SMALL);
      List<Point> fed = feed(history, seed + round, 3000);
      long newest = fed.getLast().second();

      long rawFrom = newest - 99;
      Range raw = history.range(KEY, rawFrom, newest, 1);
      assertThat(raw.resolutionSeconds()).isEqualTo(1);
      assertMatches(raw, fed, rawFrom, newest, 1);

      Range rawBy7 = history.range(KEY, rawFrom, newest, 7);
      assertThat(rawBy7.stepSeconds()).isEqualTo(7);
      assertMatches(rawBy7, fed, rawFrom, newest, 7);

      long tenFrom = (newest / 10 - 49) * 10;
      Range ten = history.range(KEY, tenFrom, newest, 1);
      assertThat(ten.resolutionSeconds()).isEqualTo(10);
      assertMatches(ten, fed, tenFrom, newest, 10);

      long minuteFrom = (newest / 60 - 39) * 60;
      Range minute = history.range(KEY, minuteFrom, newest, 60);
      assertThat(minute.resolutionSeconds()).isEqualTo(60);
      assertMatches(minute, fed, minuteFrom, newest, 60);

      Range minuteBy300 = history.range(KEY, minuteFrom, newest, 250);
      assertThat(minuteBy300.stepSeconds()).isEqualTo(300);
      assertMatches(minuteBy300, fed, minuteFrom, newest, 300);
    }
  }

  @Test
  void rawRingWrapsAroundKeepingOnlyTheLastCapacitySeconds() {
    History history = new History(SMALL);
    for (int i = 0; i < 250; i++) {
      history.record(KEY, T0 + i, i);
    }
    Range r = history.range(KEY, T0 + 150, T0 + 249, 1);
    assertThat(r.resolutionSeconds()).isEqualTo(1);
    assertThat(r.timestamps()).hasSize(100).startsWith(T0 + 150).endsWith(T0 + 249);
    assertThat(r.values()).startsWith(150.0).endsWith(249.0);
    // One second further back than the raw ring holds: the 10 s tier answers.
    assertThat(history.range(KEY, T0 + 149, T0 + 249, 1).resolutionSeconds()).isEqualTo(10);
  }

  @Test
  void gapsAreAbsentPointsNotZeros() {
    History history = new History(SMALL);
    history.record(KEY, T0, 5);
    history.record(KEY, T0 + 3, 7);
    history.record(KEY, T0 + 4, Double.NaN);
    history.record(KEY, T0 + 5, 9);
    Range r = history.range(KEY, T0, T0 + 5, 1);
    assertThat(r.timestamps()).containsExactly(T0, T0 + 3, T0 + 5);
    assertThat(r.values()).containsExactly(5, 7, 9);
    assertThat(history.status().droppedSamples()).isEqualTo(1);
  }

  @Test
  void aPauseLongerThanARingClearsItInsteadOfShowingStaleSlots() {
    History history = new History(SMALL);
    for (int i = 0; i < 100; i++) {
      history.record(KEY, T0 + i, 1);
    }
    history.record(KEY, T0 + 1000, 2);
    Range r = history.range(KEY, T0 + 1000 - 99, T0 + 1000, 1);
    assertThat(r.timestamps()).containsExactly(T0 + 1000);
    // Ten-second tier: buckets from the first run that are within 500 s of the new sample are gone
    // as well, because they are older than the ring (50 buckets) reaches.
    Range ten = history.range(KEY, T0 + 600, T0 + 1000, 10);
    assertThat(ten.timestamps()).containsExactly((T0 + 1000) / 10 * 10);
  }

  @Test
  void rollupKeepsASpikeTheMeanHides() {
    History history = new History(SMALL);
    for (int i = 0; i < 60; i++) {
      history.record(KEY, T0 / 60 * 60 + i, i == 17 ? 10_000 : 10);
    }
    long from = T0 / 60 * 60;
    Range r = history.range(KEY, from - 1000, from + 59, 60);
    assertThat(r.resolutionSeconds()).isEqualTo(60);
    assertThat(r.max()).containsExactly(10_000);
    assertThat(r.min()).containsExactly(10);
    assertThat(r.values()[0]).isCloseTo((59 * 10 + 10_000) / 60.0, within(1e-9));
  }

  @Test
  void outOfOrderAndNonFiniteSamplesAreDroppedAndCounted() {
    History history = new History(SMALL);
    assertThat(history.record(KEY, T0 + 10, 1)).isTrue();
    assertThat(history.record(KEY, T0 + 10, 2)).isFalse();
    assertThat(history.record(KEY, T0 + 5, 3)).isFalse();
    assertThat(history.record(KEY, T0 + 11, Double.POSITIVE_INFINITY)).isFalse();
    assertThat(history.record(KEY, T0 + 12, -1e300)).isFalse();
    assertThat(history.latest(KEY)).contains(new Sample(T0 + 10, 1));
    assertThat(history.status().droppedSamples()).isEqualTo(4);
    assertThatThrownBy(() -> history.record(KEY, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void latestIsExactEvenWhenTheRingStoresAFloat() {
    History history = new History(SMALL);
    history.record(KEY, T0, 123_456_789.25);
    assertThat(history.latest(KEY)).contains(new Sample(T0, 123_456_789.25));
    assertThat(history.latest(SeriesKey.of("other"))).isEmpty();
  }

  @Test
  void seriesCapRefusesNewSeriesAndCountsThem() {
    History history = new History(SMALL);
    for (int i = 0; i < 15; i++) {
      history.record(SeriesKey.of("s", "i", Integer.toString(i)), T0, i);
    }
    HistoryStatus status = history.status();
    assertThat(status.series()).isEqualTo(10);
    assertThat(status.refusedSeries()).isEqualTo(5);
    assertThat(status.bytes()).isEqualTo(10 * History.bytesPerSeries(SMALL));
    assertThat(history.latest(SeriesKey.of("s", "i", "12"))).isEmpty();
  }

  @Test
  void memoryCapBindsBeforeTheSeriesCap() {
    HistoryConfig config = new HistoryConfig(100, 50, 40, 1000, 0, 3600);
    long perSeries = History.bytesPerSeries(config);
    config = new HistoryConfig(100, 50, 40, 1000, 3 * perSeries + perSeries / 2, 3600);
    History history = new History(config);
    for (int i = 0; i < 6; i++) {
      history.record(SeriesKey.of("s", "i", Integer.toString(i)), T0, i);
    }
    assertThat(history.status().series()).isEqualTo(3);
    assertThat(history.status().bytes()).isLessThanOrEqualTo(config.maxBytes());
    assertThat(history.status().refusedSeries()).isEqualTo(3);
  }

  @Test
  void aFullStoreEvictsOnlyASeriesSilentForEvictAfterSeconds() {
    History history = new History(new HistoryConfig(100, 50, 40, 2, 1L << 30, 600));
    SeriesKey a = SeriesKey.of("a");
    SeriesKey b = SeriesKey.of("b");
    SeriesKey c = SeriesKey.of("c");
    history.record(a, T0, 1);
    history.record(b, T0 + 100, 1);
    assertThat(history.record(c, T0 + 599, 1)).isFalse();
    assertThat(history.status().evictedSeries()).isZero();
    assertThat(history.record(c, T0 + 600, 1)).isTrue();
    assertThat(history.status().evictedSeries()).isEqualTo(1);
    assertThat(history.latest(a)).isEmpty();
    assertThat(history.latest(b)).isPresent();
  }

  @Test
  void defaultSizesCostAbout90KbPerSeries() {
    long perSeries = History.bytesPerSeries(HistoryConfig.DEFAULTS);
    System.out.printf(
        "history: %d bytes per series, %d bytes for 2000 series%n", perSeries, 2000 * perSeries);
    assertThat(perSeries).isEqualTo(16 + 4 * 3600 + 2 * 80 + 21 * (2160 + 1440));
    assertThat(2000 * perSeries).isLessThan(HistoryConfig.DEFAULTS.maxBytes());
  }

  @Test
  void seriesKeySortsLabelsAndPrintsLikePrometheus() {
    SeriesKey k1 = SeriesKey.of("m", "process", "java(123)", "destination", "10.0.0.7:443");
    SeriesKey k2 = SeriesKey.of("m", "destination", "10.0.0.7:443", "process", "java(123)");
    assertThat(k1).isEqualTo(k2).hasSameHashCodeAs(k2);
    assertThat(k1).hasToString("m{destination=\"10.0.0.7:443\",process=\"java(123)\"}");
    assertThatThrownBy(() -> SeriesKey.of("m", "odd")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangeRejectsAnInvertedIntervalAndAZeroStep() {
    History history = new History(SMALL);
    assertThatThrownBy(() -> history.range(KEY, 10, 5, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> history.range(KEY, 5, 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(history.range(KEY, 5, 10, 1).size()).isZero();
  }
}
