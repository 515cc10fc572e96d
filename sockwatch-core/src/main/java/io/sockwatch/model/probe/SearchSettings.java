package io.sockwatch.model.probe;

/**
 * How an idle-timeout search spends connections and time.
 *
 * @param minIdleSeconds the shortest idle time tried; a path that forgets faster is reported as
 *     "below" it
 * @param maxIdleSeconds the longest idle time tried; a path that keeps connections longer is
 *     reported as "at least" it
 * @param refinePoints connections opened at once to narrow a bracket (lo, hi]: they split it into
 *     {@code refinePoints + 1} equal parts, so one round narrows a doubling bracket to 1/8 of its
 *     lower end with the default 7
 * @param precision the search stops once the bracket's half-width is at most this fraction of its
 *     middle (0.1: the timeout is known within 10%)
 * @param deadlineSeconds the whole search ends by then: a probe that could not finish in time is
 *     never started
 * @param overheadSeconds time a probe needs beyond its idle time (connect plus waiting for the
 *     echo)
 */
public record SearchSettings(
    double minIdleSeconds,
    double maxIdleSeconds,
    int refinePoints,
    double precision,
    double deadlineSeconds,
    double overheadSeconds) {

  public SearchSettings {
    if (!(minIdleSeconds > 0) || !(maxIdleSeconds >= minIdleSeconds)) {
      throw new IllegalArgumentException(
          "need 0 < min idle <= max idle, not " + minIdleSeconds + " and " + maxIdleSeconds);
    }
    if (refinePoints < 1 || refinePoints > 64) {
      throw new IllegalArgumentException("refine points must be 1..64, not " + refinePoints);
    }
    if (!(precision > 0) || precision >= 1) {
      throw new IllegalArgumentException("precision must be in (0, 1), not " + precision);
    }
    if (!(deadlineSeconds > 0) || !(overheadSeconds >= 0)) {
      throw new IllegalArgumentException("deadline must be positive, overhead not negative");
    }
  }
}
