package io.sockwatch.k8s;

import java.time.Instant;

/**
 * An event to write: a WARNING or CRITICAL finding opened, or one resolved.
 *
 * @param findingId the finding's stable id; with {@code action} the key of its series
 * @param action {@code Opened} or {@code Resolved}
 * @param type {@code Warning} (opened) or {@code Normal} (resolved)
 * @param reason CamelCase of the detector, e.g. {@code CloseWait} or {@code CloseWaitResolved}
 * @param note the finding in plain words, bounded
 * @param observedAt when the agent saw it happen
 */
record EventIntent(
    String findingId, String action, String type, String reason, String note, Instant observedAt) {

  static final String OPENED = "Opened";
  static final String RESOLVED = "Resolved";

  /** What repeats of this event are counted on. */
  String seriesKey() {
    return action + " " + findingId;
  }
}
