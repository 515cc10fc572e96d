package io.sockwatch.model.finding;

import java.util.List;

/**
 * What a load of the {@code probe-idle} state file found: the measurements, and one message per
 * line or file that was skipped.
 */
public record MeasuredTimeouts(List<MeasuredTimeout> entries, List<String> problems) {

  /** Nothing measured, nothing wrong: no file yet. */
  public static final MeasuredTimeouts NONE = new MeasuredTimeouts(List.of(), List.of());

  public MeasuredTimeouts {
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  /** The measurements by peer, for the idle-connections check. */
  public MiddleboxTimeouts timeouts() {
    return new MiddleboxTimeouts(entries);
  }
}
