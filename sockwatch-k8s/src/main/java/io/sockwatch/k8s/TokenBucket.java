package io.sockwatch.k8s;

import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code perMinute} takes a minute on average, with bursts of up to {@code perMinute}: the
 * bound on event writes. Time comes from the caller, so tests step it.
 */
final class TokenBucket {

  private final int capacity;
  private final double perNano;
  private double tokens;
  private Instant last;

  TokenBucket(int perMinute, Instant now) {
    this.capacity = perMinute;
    this.perNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    this.tokens = perMinute;
    this.last = now;
  }

  /** Takes one token if there is one at {@code now}. */
  boolean tryTake(Instant now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void refill(Instant now) {
    if (now.isAfter(last)) {
      tokens = Math.min(capacity, tokens + Duration.between(last, now).toNanos() * perNano);
      last = now;
    }
  }
}
