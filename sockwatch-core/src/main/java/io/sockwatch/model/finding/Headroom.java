package io.sockwatch.model.finding;

import java.util.OptionalDouble;

/**
 * How close a limit is: {@code used} of {@code limit}, and at the current trend how long until it
 * is reached (see {@link #secondsToLimit(double, double, double)}).
 *
 * @param resource what runs out, e.g. "ephemeral ports to 10.0.0.7:443"
 * @param used current use
 * @param limit the limit
 * @param unit unit of use and limit
 * @param secondsToLimit time to the limit at the current rate: 0 when it is already reached, empty
 *     when it is not growing or unknown
 */
public record Headroom(
    String resource, double used, double limit, String unit, OptionalDouble secondsToLimit) {

  /**
   * The headroom of a use growing by {@code ratePerSecond}, its time to the limit computed by
   * {@link #secondsToLimit(double, double, double)}.
   *
   * @param ratePerSecond growth per second; 0 or negative when not growing, NaN when unknown
   */
  public static Headroom growing(
      String resource, double used, double limit, String unit, double ratePerSecond) {
    return new Headroom(resource, used, limit, unit, secondsToLimit(used, limit, ratePerSecond));
  }

  /**
   * Seconds until {@code used}, growing by {@code ratePerSecond}, reaches the upper bound {@code
   * limit} (ports, descriptors, memory pages, idle seconds): 0 when it already has ({@code used >=
   * limit}, growing or not, a zero limit included), {@code (limit - used) / ratePerSecond} when it
   * is below and growing, empty when it is below and not growing ({@code ratePerSecond <= 0}, or so
   * slowly that the time overflows), and empty when any input is not finite (an unknown rate
   * included).
   */
  public static OptionalDouble secondsToLimit(double used, double limit, double ratePerSecond) {
    if (!Double.isFinite(used) || !Double.isFinite(limit) || !Double.isFinite(ratePerSecond)) {
      return OptionalDouble.empty();
    }
    if (used >= limit) {
      return OptionalDouble.of(0);
    }
    double seconds = (limit - used) / ratePerSecond;
    return ratePerSecond > 0 && Double.isFinite(seconds)
        ? OptionalDouble.of(seconds)
        : OptionalDouble.empty();
  }

  /** Use as a fraction of the limit (0..1+); 1 when the limit is 0. */
  public double fraction() {
    return limit <= 0 ? 1 : used / limit;
  }

  /** What is left before the limit, never negative. */
  public double remaining() {
    return Math.max(0, limit - used);
  }
}
