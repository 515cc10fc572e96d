package io.sockwatch.k8s;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: after the {@code n}th failure in a row the ceiling is
 * {@code base * 2^(n-1)}, at most {@code cap}, and the wait is drawn uniformly from the upper half
 * of it, {@code [ceiling/2, ceiling]}. The doubling keeps a struggling API server from being
 * hammered, the cap keeps recovery prompt, and the jitter keeps the agents of a whole cluster,
 * which all lost the server at the same moment, from coming back in lockstep; drawing from the
 * upper half keeps a floor under every wait.
 */
record Backoff(Duration base, Duration cap) {

  /** The ceiling after {@code failures} failures in a row (at least 1). */
  Duration ceiling(int failures) {
    long baseMillis = base.toMillis();
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    long millis = baseMillis << doublings;
    return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
  }

  /** The wait after {@code failures} failures in a row; {@code random} gives values in [0, 1). */
  Duration delay(int failures, DoubleSupplier random) {
    long ceiling = ceiling(failures).toMillis();
    long floor = ceiling / 2;
    return Duration.ofMillis(floor + (long) (random.getAsDouble() * (ceiling - floor)));
  }
}
