package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void aFullMinuteBurstThenOneEveryShareOfAMinute() {
    Instant t = Fixtures.T0;
    TokenBucket bucket = new TokenBucket(30, t);
    int taken = 0;
    while (bucket.tryTake(t)) {
      taken++;
    }
    assertThat(taken).isEqualTo(30);
    assertThat(bucket.tryTake(t.plusMillis(1999))).isFalse();
    assertThat(bucket.tryTake(t.plusSeconds(2))).as("one token per 2 s at 30/min").isTrue();
    assertThat(bucket.tryTake(t.plusSeconds(2))).isFalse();

    Instant later = t.plus(Duration.ofHours(1));
    int afterIdle = 0;
    while (bucket.tryTake(later)) {
      afterIdle++;
    }
    assertThat(afterIdle).as("an idle hour refills no more than a minute's worth").isEqualTo(30);
  }
}
