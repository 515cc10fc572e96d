package io.sockwatch.model.finding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class HeadroomTest {

  @Test
  void growingBelowTheLimitReachesItAtTheRate() {
    assertThat(Headroom.secondsToLimit(100, 1100, 2)).hasValue(500);
    assertThat(Headroom.secondsToLimit(0, 10, 0.5)).hasValue(20);
  }

  @Test
  void notGrowingBelowTheLimitNeverReachesIt() {
    assertThat(Headroom.secondsToLimit(100, 1100, 0)).isEmpty();
    assertThat(Headroom.secondsToLimit(100, 1100, -1)).as("shrinking").isEmpty();
    assertThat(Headroom.secondsToLimit(100, 1100, Double.MIN_VALUE))
        .as("too slow to be finite")
        .isEmpty();
  }

  @Test
  void atOrOverTheLimitItIsReachedGrowingOrNot() {
    for (double rate : new double[] {2, 0, -1}) {
      assertThat(Headroom.secondsToLimit(1100, 1100, rate)).as("at, rate %s", rate).hasValue(0);
      assertThat(Headroom.secondsToLimit(1200, 1100, rate)).as("over, rate %s", rate).hasValue(0);
    }
  }

  @Test
  void aZeroLimitIsReached() {
    assertThat(Headroom.secondsToLimit(0, 0, 0)).hasValue(0);
    assertThat(Headroom.secondsToLimit(5, 0, 1)).hasValue(0);
  }

  @Test
  void nonFiniteInputsAreUnknown() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThat(Headroom.secondsToLimit(100, 1100, bad)).as("rate %s", bad).isEmpty();
      assertThat(Headroom.secondsToLimit(1100, 1100, bad))
          .as("at the limit, rate %s", bad)
          .isEmpty();
      assertThat(Headroom.secondsToLimit(bad, 1100, 2)).as("used %s", bad).isEmpty();
      assertThat(Headroom.secondsToLimit(100, bad, 2)).as("limit %s", bad).isEmpty();
    }
    assertThat(Headroom.secondsToLimit(100, Double.NEGATIVE_INFINITY, 2)).isEmpty();
  }

  @Test
  void growingKeepsTheFiguresAndComputesTheTime() {
    Headroom h = Headroom.growing("TCP memory, node-wide", 3600, 4000, "pages", 50);
    assertThat(h)
        .isEqualTo(
            new Headroom("TCP memory, node-wide", 3600, 4000, "pages", OptionalDouble.of(8)));
    assertThat(h.remaining()).isEqualTo(400);
    assertThat(h.fraction()).isEqualTo(0.9);
    assertThat(Headroom.growing("x", 1, 4, "", Double.NaN).secondsToLimit()).isEmpty();
  }

  @Test
  void fractionAndRemainingOfAZeroOrExceededLimit() {
    Headroom zero = Headroom.growing("x", 0, 0, "", 0);
    assertThat(zero.fraction()).isEqualTo(1);
    assertThat(zero.remaining()).isZero();
    Headroom over = Headroom.growing("x", 12, 10, "", 0);
    assertThat(over.fraction()).isEqualTo(1.2);
    assertThat(over.remaining()).isZero();
    assertThat(over.secondsToLimit()).hasValue(0);
  }
}
