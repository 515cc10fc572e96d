package io.sockwatch.model.probe;

/**
 * Everything {@link IdleProber} needs besides the target.
 *
 * @param search which idle times to try and by when
 * @param connectSeconds how long a handshake may take before the SYN counts as unanswered
 * @param replySeconds how long to wait for an echo before a send counts as unanswered; TCP
 *     retransmits it meanwhile (after about 0.2, 0.6, 1.4, 3 s on a short path), so a few seconds
 *     separate a slow path from a dead connection
 * @param keepaliveIdleSeconds 0 for none, else one extra connection with SO_KEEPALIVE and this
 *     TCP_KEEPIDLE is held idle past the timeout found, to show whether that setting saves it
 */
public record ProbeSettings(
    SearchSettings search, double connectSeconds, double replySeconds, int keepaliveIdleSeconds) {

  public ProbeSettings {
    if (!(connectSeconds > 0) || !(replySeconds > 0)) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (keepaliveIdleSeconds < 0 || keepaliveIdleSeconds > 32767) {
      throw new IllegalArgumentException(
          "keepalive idle must be 1..32767 s (the kernel's limit), not " + keepaliveIdleSeconds);
    }
  }

  /** Time one try needs beyond its idle time, with a second of slack for scheduling. */
  public static double overhead(double connectSeconds, double replySeconds) {
    return connectSeconds + replySeconds + 1;
  }
}
