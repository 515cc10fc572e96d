package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  @Test
  void theCeilingDoublesFromTheBaseUntilTheCap() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(32));
    assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(1000)).as("no overflow").isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void everyWaitLiesInTheUpperHalfOfItsCeiling() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int failures = 1; failures <= 40; failures++) {
      Duration ceiling = backoff.ceiling(failures);
      for (int i = 0; i < 200; i++) {
        Duration d = backoff.delay(failures, random::nextDouble);
        assertThat(d)
            .as("seed %d, failures %d", seed, failures)
            .isBetween(ceiling.dividedBy(2), ceiling);
      }
    }
    assertThat(backoff.delay(3, () -> 0.0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.delay(3, () -> 0.999999)).isEqualTo(Duration.ofMillis(3999));
  }
}
