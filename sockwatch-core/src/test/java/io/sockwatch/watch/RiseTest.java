package io.sockwatch.watch;

import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import java.util.Optional;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class RiseTest {

  private static final SeriesKey KEY = SeriesKey.of("g");
  private static final long WINDOW = 300;

  private static Optional<Rise> rise(long from, LongToDoubleFunction value) {
    TrendFixture f = new TrendFixture().series(KEY, from, NOW, value);
    Range r = f.history.range(KEY, NOW - WINDOW + 1, NOW, 1);
    return Rise.measure(r, WINDOW);
  }

  @Test
  void steadyLeakIsSustainedWithItsExactSlope() {
    Rise r = rise(NOW - 299, t -> 100 + 0.5 * (t - NOW)).orElseThrow();
    assertThat(r.slopePerSecond()).isCloseTo(0.5, within(1e-9));
    assertThat(r.consistent()).isTrue();
    // thirds of 100 s each: the first and last medians are 200 s apart
    assertThat(r.growth()).isCloseTo(100, within(1.0));
    assertThat(r.current()).isEqualTo(100);
    assertThat(r.points()).isEqualTo(300);
    assertThat(r.sustained(0.5, 99)).isTrue();
    assertThat(r.sustained(0.6, 0)).as("slope below the minimum").isFalse();
    assertThat(r.sustained(0, 110)).as("growth below the minimum").isFalse();
  }

  @Test
  void outliersDoNotMoveTheSlope() {
    // a dump that skipped sockets, or a burst, every 17th second
    Rise r = rise(NOW - 299, t -> (t % 17 == 0 ? 1000 : 0) + 2.0 * (t - NOW)).orElseThrow();
    assertThat(r.slopePerSecond()).isCloseTo(2.0, within(0.05));
    assertThat(r.sustained(1.9, 100)).isTrue();
  }

  @Test
  void burstThatComesAndGoesIsNoLeak() {
    // 500 extra sockets for 40 s in the middle of a flat window
    Rise r = rise(NOW - 299, t -> t > NOW - 170 && t < NOW - 130 ? 600 : 100).orElseThrow();
    assertThat(r.consistent()).isFalse();
    assertThat(r.sustained(0, 0)).isFalse();
  }

  @Test
  void oneStepUpIsNoLeak() {
    // a pool that filled once, a third of the way in: level, then level again
    Rise r = rise(NOW - 299, t -> t > NOW - 200 ? 300 : 100).orElseThrow();
    assertThat(r.growth()).isEqualTo(200);
    assertThat(r.consistent()).as("two of the thirds are level").isFalse();
    assertThat(r.sustained(0, 0)).isFalse();
  }

  @Test
  void riseThatStoppedIsNoLongerSustained() {
    // leaked for the first 120 s, flat for the last 180 s: over half of the middle third is level
    Rise r = rise(NOW - 299, t -> Math.min(t - (NOW - 299), 120)).orElseThrow();
    assertThat(r.slopePerSecond()).isPositive();
    assertThat(r.consistent()).isFalse();
  }

  @Test
  void tooFewPointsOrTooShortAHistorySayNothing() {
    // scans 50 s apart (a large node on a small CPU budget): 6 points over 250 s
    TrendFixture sparse = new TrendFixture();
    for (long t = NOW - 250; t <= NOW; t += 50) {
      sparse.history.record(KEY, t, t - NOW);
    }
    assertThat(Rise.measure(sparse.history.range(KEY, NOW - WINDOW + 1, NOW, 1), WINDOW)).isEmpty();
    // 149 s of a 300 s window: less than half
    assertThat(rise(NOW - 148, t -> t - NOW)).isEmpty();
    assertThat(rise(NOW - 150, t -> t - NOW)).isPresent();
  }
}
