package io.sockwatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.HistoryStatus;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;

/**
 * Fuzzes the store with arbitrary sizes and (timestamp, value) sequences: timestamps out of order
 * or out of range, NaN and infinities. Only the documented IllegalArgumentExceptions may escape,
 * and the caps must hold after every step. Seeds are in {@code HistoryFuzzTestInputs/}; a normal
 * build replays them, {@code JAZZER_FUZZ=1} fuzzes.
 */
class HistoryFuzzTest {

  @FuzzTest
  void recordAndQuery(FuzzedDataProvider data) {
    HistoryConfig config =
        new HistoryConfig(
            data.consumeInt(1, 64),
            data.consumeInt(1, 64),
            data.consumeInt(1, 64),
            data.consumeInt(0, 6),
            data.consumeLong(0, 4_000),
            data.consumeLong(0, 1_000));
    History history = new History(config);
    long base = data.consumeLong(0, History.MAX_EPOCH_SECOND);
    int steps = data.consumeInt(0, 400);
    for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
      SeriesKey key = SeriesKey.of("m", "k", Integer.toString(data.consumeInt(0, 9)));
      switch (data.consumeInt(0, 3)) {
        case 0, 1 -> {
          long second =
              data.consumeBoolean() ? base + data.consumeInt(-5, 200) : data.consumeLong();
          double value = data.consumeRegularDouble();
          if (data.consumeInt(0, 4) == 0) {
            value =
                switch (data.consumeInt(0, 2)) {
                  case 0 -> Double.NaN;
                  case 1 -> Double.POSITIVE_INFINITY;
                  default -> Double.NEGATIVE_INFINITY;
                };
          }
          if (second < 0 || second > History.MAX_EPOCH_SECOND) {
            final double v = value;
            assertThatThrownBy(() -> history.record(key, second, v))
                .isInstanceOf(IllegalArgumentException.class);
          } else {
            boolean stored = history.record(key, second, value);
            if (stored) {
              assertThat(history.latest(key)).contains(new Sample(second, value));
            }
          }
        }
        case 2 -> {
          long from =
              data.consumeBoolean() ? base + data.consumeInt(-500, 500) : data.consumeLong();
          long to = data.consumeBoolean() ? base + data.consumeInt(-500, 500) : data.consumeLong();
          long step = data.consumeLong(-2, 100_000);
          if (from > to || step < 1) {
            assertThatThrownBy(() -> history.range(key, from, to, step))
                .isInstanceOf(IllegalArgumentException.class);
          } else {
            checkRange(history.range(key, from, to, step), from, to);
          }
        }
        default -> {
          Slope s = history.slope(key, base - 100, base + 300);
          assertThat(s.points()).isBetween(0, 64);
        }
      }
      HistoryStatus status = history.status();
      assertThat(status.series()).isLessThanOrEqualTo(config.maxSeries());
      assertThat(status.bytes()).isLessThanOrEqualTo(config.maxBytes());
    }
  }

  private static void checkRange(Range r, long from, long to) {
    assertThat(r.size()).isLessThanOrEqualTo(64);
    for (int i = 0; i < r.size(); i++) {
      assertThat(r.timestamps()[i] + r.stepSeconds()).isGreaterThan(from);
      assertThat(r.timestamps()[i]).isLessThanOrEqualTo(to);
      if (i > 0) {
        assertThat(r.timestamps()[i]).isGreaterThan(r.timestamps()[i - 1]);
      }
      assertThat(r.min()[i]).isLessThanOrEqualTo(r.max()[i]);
      assertThat(r.values()[i]).isFinite();
    }
  }

  @FuzzTest
  void firstSeen(FuzzedDataProvider data) {
    FirstSeen seen = new FirstSeen(data.consumeInt(0, 50));
    int scans = data.consumeInt(0, 20);
    for (int s = 0; s < scans && data.remainingBytes() > 0; s++) {
      long[] cookies = data.consumeLongs(data.consumeInt(0, 80));
      for (int i = 0; i < cookies.length; i++) {
        cookies[i] &= 0xff;
      }
      long now = data.consumeLong();
      if (now < 0) {
        assertThatThrownBy(() -> seen.update(cookies, cookies.length, now))
            .isInstanceOf(IllegalArgumentException.class);
        continue;
      }
      ScanDelta d = seen.update(cookies, cookies.length, now);
      assertThat(d.live()).isEqualTo(seen.size()).isLessThanOrEqualTo(50);
      for (long c : d.newCookies()) {
        assertThat(seen.firstSeen(c)).isEqualTo(now);
      }
      for (long c : cookies) {
        assertThat(c == 0 || seen.firstSeen(c) != FirstSeen.ABSENT || d.refused() > 0).isTrue();
      }
    }
  }
}
