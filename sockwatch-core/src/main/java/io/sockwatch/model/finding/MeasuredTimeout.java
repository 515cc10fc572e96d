package io.sockwatch.model.finding;

import io.sockwatch.model.IpAddress;

/**
 * A middlebox idle timeout measured on the path to one host by {@code sockwatch probe-idle}.
 *
 * @param host the probed address; the timeout applies to every connection with this peer, since
 *     stateful firewalls and NATs time out connections per protocol, not per port
 * @param port the port that was probed (kept to say what was measured)
 * @param survivedSeconds the longest idle time a probe connection survived (0: none did)
 * @param diedSeconds the shortest idle time that killed one
 * @param measuredAtEpochSecond when the measurement ended
 */
public record MeasuredTimeout(
    IpAddress host,
    int port,
    double survivedSeconds,
    double diedSeconds,
    long measuredAtEpochSecond) {

  public MeasuredTimeout {
    if (!(survivedSeconds >= 0)
        || !(diedSeconds > survivedSeconds)
        || !Double.isFinite(diedSeconds)) {
      throw new IllegalArgumentException(
          "need 0 <= survived < died < infinity, not " + survivedSeconds + " and " + diedSeconds);
    }
  }

  /**
   * The idle time connections are judged against: the longest idle known to survive (beyond it a
   * connection may already be forgotten), or the shortest that killed one when none survived.
   */
  public double limitSeconds() {
    return survivedSeconds > 0 ? survivedSeconds : diedSeconds;
  }
}
