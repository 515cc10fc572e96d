package io.sockwatch.k8s;

import io.sockwatch.model.finding.NodeCondition;
import java.util.List;

/**
 * What one of sockwatch's condition types should say now.
 *
 * @param condition which of the four
 * @param active {@code True} when an open finding sets it
 * @param reason CamelCase ({@link ConditionPlanner#reason})
 * @param message plain words, bounded
 * @param findingIds the ids of the findings that set it, sorted: when they change (another process
 *     starts leaking) the message is rewritten soon, not only at the next heartbeat
 */
record DesiredCondition(
    NodeCondition condition,
    boolean active,
    String reason,
    String message,
    List<String> findingIds) {

  DesiredCondition {
    findingIds = List.copyOf(findingIds);
  }

  String type() {
    return condition.type();
  }

  /** {@code True} or {@code False}, as the API spells it. */
  String status() {
    return active ? "True" : "False";
  }
}
