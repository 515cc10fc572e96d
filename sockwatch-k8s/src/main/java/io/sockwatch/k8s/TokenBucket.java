package io.sockwatch.k8s;

import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code perMinute} takes a minute on average, with bursts of up to {@code perMinute}: the
 * bound on event writes. Credit is kept in whole nanoseconds (a token is a minute divided by {@code
 * perMinute}), so that a token is due at exactly its time, not a rounding error later. Time comes
 * from the caller, so tests step it.
 */
final class TokenBucket {

  private final long nanosPerToken;
  private final long maxCredit;
  private long credit;
  private Instant last;

  TokenBucket(int perMinute, Instant now) {
    this.nanosPerToken = Duration.ofMinutes(1).toNanos() / perMinute;
    this.maxCredit = nanosPerToken * perMinute;
    this.credit = maxCredit;
    this.last = now;
  }

  /** Takes one token if there is one at {@code now}. */
  boolean tryTake(Instant now) {
    if (now.isAfter(last)) {
      long elapsed = Duration.between(last, now).toNanos();
      credit = elapsed >= maxCredit ? maxCredit : Math.min(maxCredit, credit + elapsed);
      last = now;
    }
    if (credit >= nanosPerToken) {
      credit -= nanosPerToken;
      return true;
    }
    return false;
  }
}
