package io.sockwatch.model.finding;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Doctor settings: threshold overrides, the assumed middlebox idle timeout and declared heartbeat
 * intervals per port.
 *
 * @param overrides threshold name to value (in the threshold's unit; fractions as 0..1)
 * @param middleboxIdleSeconds idle timeout assumed for stateful firewalls and NATs on the path
 *     (default 3600 s: enterprise firewalls; cloud NATs and load balancers often use 350 s to 20
 *     min)
 * @param heartbeats port to promised heartbeat interval in seconds ({@code 5672=10s})
 * @param measured idle timeouts {@code probe-idle} measured per peer; they replace {@code
 *     middleboxIdleSeconds} for connections with those peers, because a measurement beats an
 *     assumption
 */
public record DoctorConfig(
    Map<String, Double> overrides,
    double middleboxIdleSeconds,
    Map<Integer, Double> heartbeats,
    MiddleboxTimeouts measured) {

  public static final double DEFAULT_MIDDLEBOX_IDLE_SECONDS = 3600;

  public static final DoctorConfig DEFAULTS =
      new DoctorConfig(Map.of(), DEFAULT_MIDDLEBOX_IDLE_SECONDS, Map.of());

  /** Settings without measured timeouts. */
  public DoctorConfig(
      Map<String, Double> overrides, double middleboxIdleSeconds, Map<Integer, Double> heartbeats) {
    this(overrides, middleboxIdleSeconds, heartbeats, MiddleboxTimeouts.NONE);
  }

  public DoctorConfig {
    overrides = Map.copyOf(overrides);
    heartbeats = Map.copyOf(new TreeMap<>(heartbeats));
    Objects.requireNonNull(measured, "measured");
  }

  /** The same settings judging with {@code timeouts} as the measured idle timeouts. */
  public DoctorConfig withMeasured(MiddleboxTimeouts timeouts) {
    return new DoctorConfig(overrides, middleboxIdleSeconds, heartbeats, timeouts);
  }

  /** The threshold's value: the override if one was given, else its default. */
  public double value(Threshold t) {
    return overrides.getOrDefault(t.name(), t.defaultValue());
  }

  /**
   * Parses a duration such as {@code 10s}, {@code 5m}, {@code 1h}, {@code 250ms} or plain seconds.
   *
   * @throws IllegalArgumentException with a readable message
   */
  public static double parseSeconds(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    double mult = 1;
    if (t.endsWith("ms")) {
      mult = 0.001;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      mult = 60;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      mult = 3600;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("d")) {
      mult = 86400;
      t = t.substring(0, t.length() - 1);
    }
    // Double.parseDouble accepts Java's own "2d"/"2f" suffixes: a number must end in a digit or
    // dot.
    char last = t.isEmpty() ? 'x' : t.charAt(t.length() - 1);
    if (!Character.isDigit(last) && last != '.') {
      throw new IllegalArgumentException("not a duration (like 10s, 5m, 1h): " + text);
    }
    try {
      double v = Double.parseDouble(t) * mult;
      if (v >= 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("not a duration (like 10s, 5m, 1h): " + text);
  }
}
