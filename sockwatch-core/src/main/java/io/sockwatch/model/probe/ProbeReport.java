package io.sockwatch.model.probe;

import java.util.List;
import java.util.Optional;

/**
 * The result of {@code probe-idle}.
 *
 * @param target the probed endpoint as given to the connect
 * @param bracket what is known about the idle timeout
 * @param precision the precision asked for (half-width over middle)
 * @param cutShort whether the deadline kept a wanted try from starting or finishing
 * @param tries every try that finished, in the order they finished
 * @param connections connections opened, the first check and the keepalive one included
 * @param elapsedSeconds wall time of the whole run
 * @param handshakeMillis the first connection's handshake time
 * @param firstEchoMillis the first connection's echo round trip
 * @param keepalive the keepalive check, when one was asked for
 */
public record ProbeReport(
    String target,
    IdleBracket bracket,
    double precision,
    boolean cutShort,
    List<Try> tries,
    int connections,
    double elapsedSeconds,
    double handshakeMillis,
    double firstEchoMillis,
    Optional<KeepaliveCheck> keepalive) {

  public ProbeReport {
    tries = List.copyOf(tries);
  }

  /** Whether the bracket is as narrow as asked for. */
  public boolean precise() {
    return bracket.relativeError() <= precision;
  }

  /**
   * One finished try.
   *
   * @param idleSeconds how long the connection was left idle
   * @param outcome what its next send got
   * @param atSeconds when the try finished, since the run began
   */
  public record Try(double idleSeconds, TryOutcome outcome, double atSeconds) {}

  /**
   * Whether a connection with keepalive outlived the timeout.
   *
   * @param keepaliveIdleSeconds its TCP_KEEPIDLE
   * @param idleSeconds how long it was idle (no data) when checked; 0 when not checked
   * @param outcome its echo after that, empty when it was not checked
   * @param note why it was not checked, or empty
   */
  public record KeepaliveCheck(
      int keepaliveIdleSeconds, double idleSeconds, Optional<TryOutcome> outcome, String note) {}
}
