package io.sockwatch.model.probe;

import java.util.OptionalDouble;

/**
 * What a search knows about a path's idle timeout: connections idle for {@code lo} seconds still
 * worked, connections idle for {@code hi} seconds did not, so the timeout lies in (lo, hi].
 *
 * @param lo the longest idle time a connection survived, 0 when none survived
 * @param hi the shortest idle time that killed a connection, infinity when none died
 */
public record IdleBracket(double lo, double hi) {

  /** Whether some idle time killed a connection. */
  public boolean found() {
    return hi != Double.POSITIVE_INFINITY;
  }

  /** The middle of the bracket, when both ends are known. */
  public OptionalDouble estimate() {
    return found() && lo > 0 ? OptionalDouble.of((lo + hi) / 2) : OptionalDouble.empty();
  }

  /** Half the bracket's width as a fraction of its middle; infinite while an end is open. */
  public double relativeError() {
    return found() && lo > 0 ? (hi - lo) / (hi + lo) : Double.POSITIVE_INFINITY;
  }

  /**
   * The idle time to judge connections against: the longest idle known to survive, since beyond it
   * a connection is at risk; the upper end when even the shortest idle tried was too long.
   */
  public double safeLimit() {
    return lo > 0 ? lo : hi;
  }
}
