package io.sockwatch.model.watch;

import java.util.OptionalDouble;

/**
 * The agent's connection tracer, for {@code /api/status}: whether it runs, or why not, and what it
 * has seen.
 *
 * @param state {@code on}, {@code off} (not asked for) or {@code unavailable}
 * @param reason why it is unavailable; empty otherwise
 * @param connects outbound connections seen since the agent started
 * @param accepts inbound connections seen since the agent started
 * @param coverage connects seen per active open the kernel counted, over the last minute of scans,
 *     when counted
 * @param lost events the kernel could not hand over (ring or table full), or that did not fit the
 *     tracer's bounds, since the start
 * @param kernelMemoryBytes kernel memory charged to the tracer's maps and programs
 */
public record ConnectionEventsStatus(
    String state,
    String reason,
    long connects,
    long accepts,
    OptionalDouble coverage,
    long lost,
    long kernelMemoryBytes) {

  /** Not asked for. */
  public static final ConnectionEventsStatus OFF =
      new ConnectionEventsStatus("off", "", 0, 0, OptionalDouble.empty(), 0, 0);

  /** Asked for, and unavailable for {@code reason}. */
  public static ConnectionEventsStatus unavailable(String reason) {
    return new ConnectionEventsStatus("unavailable", reason, 0, 0, OptionalDouble.empty(), 0, 0);
  }
}
