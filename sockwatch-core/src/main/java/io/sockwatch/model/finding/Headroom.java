package io.sockwatch.model.finding;

import java.util.OptionalDouble;

/**
 * How close a limit is: {@code used} of {@code limit}, and at the current trend how long until it
 * is reached (empty when not growing or unknown).
 *
 * @param resource what runs out, e.g. "ephemeral ports to 10.0.0.7:443"
 * @param used current use
 * @param limit the limit
 * @param unit unit of use and limit
 * @param secondsToLimit time to the limit at the current rate, if growing
 */
public record Headroom(
    String resource, double used, double limit, String unit, OptionalDouble secondsToLimit) {

  /** Use as a fraction of the limit (0..1+); 1 when the limit is 0. */
  public double fraction() {
    return limit <= 0 ? 1 : used / limit;
  }

  /** What is left before the limit, never negative. */
  public double remaining() {
    return Math.max(0, limit - used);
  }
}
