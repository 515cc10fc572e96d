package io.sockwatch.testkit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prober's own exact count at one moment, the ground truth a test holds the tracer's numbers
 * against. Printed by the prober as {@code COUNT attempted=N established=N failed=N rounds=N
 * accepted=N}.
 *
 * @param attempted connects started (counted just before each {@code connect})
 * @param established connects whose handshake completed; each leaves one TIME_WAIT on the prober's
 *     side for 60 s, since it closes first
 * @param failed connects that failed (refused, timed out, no port left)
 * @param rounds rounds completed; a round connects once to every peer
 * @param roundSpanNanos from the start of the first round to the start of the last, on the prober's
 *     own monotonic clock: its real rate is {@code (rounds - 1) x peers / span}
 * @param accepted connections its listener accepted (and closed)
 */
public record ProbeCount(
    long attempted,
    long established,
    long failed,
    long rounds,
    long accepted,
    long roundSpanNanos) {

  /** All zero: the start of a sum. */
  public static final ProbeCount ZERO = new ProbeCount(0, 0, 0, 0, 0, 0);

  static final String PREFIX = "COUNT ";

  private static final List<String> KEYS =
      List.of("attempted", "established", "failed", "rounds", "accepted", "round_span_ns");

  /** The line the prober prints. */
  public String line() {
    return PREFIX
        + "attempted="
        + attempted
        + " established="
        + established
        + " failed="
        + failed
        + " rounds="
        + rounds
        + " accepted="
        + accepted
        + " round_span_ns="
        + roundSpanNanos;
  }

  /** Reads a {@link #line()} back; anything else throws {@link IllegalArgumentException}. */
  public static ProbeCount parse(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a count line: " + line);
    }
    Map<String, Long> values = new HashMap<>();
    for (String field : line.substring(PREFIX.length()).strip().split(" +")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("malformed field '" + field + "' in: " + line);
      }
      try {
        values.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed field '" + field + "' in: " + line);
      }
    }
    if (!values.keySet().containsAll(KEYS)) {
      throw new IllegalArgumentException("missing fields in: " + line);
    }
    return new ProbeCount(
        values.get("attempted"),
        values.get("established"),
        values.get("failed"),
        values.get("rounds"),
        values.get("accepted"),
        values.get("round_span_ns"));
  }

  /** The field-by-field sum, for a herd's totals. */
  public ProbeCount plus(ProbeCount o) {
    return new ProbeCount(
        attempted + o.attempted,
        established + o.established,
        failed + o.failed,
        rounds + o.rounds,
        accepted + o.accepted,
        Math.max(roundSpanNanos, o.roundSpanNanos));
  }

  /**
   * The prober's own connect rate while probing, from its round times: {@code (rounds - 1) x peers}
   * connects over the span between its first and last round; empty before two rounds.
   */
  public java.util.OptionalDouble connectsPerSecond(int peers) {
    return rounds < 2 || roundSpanNanos <= 0
        ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of((rounds - 1) * (double) peers / (roundSpanNanos / 1e9));
  }
}
