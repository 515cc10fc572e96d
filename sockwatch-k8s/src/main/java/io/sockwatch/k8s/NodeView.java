package io.sockwatch.k8s;

import java.util.List;
import java.util.Optional;

/**
 * What the reporter needs of the Node as read from the API: its identity, the version the status
 * patch is conditional on, and its conditions in their order (the patch addresses them by index).
 *
 * @param uid the Node's uid (events refer to it)
 * @param resourceVersion the version read; the patch fails with 409 if the Node changed since
 * @param conditions every condition, ours and everyone else's, in the API's order
 */
record NodeView(String uid, String resourceVersion, List<Condition> conditions) {

  NodeView {
    conditions = List.copyOf(conditions);
  }

  /**
   * One condition as the API has it; times are the API's strings, kept verbatim.
   *
   * @param lastTransitionTime empty when the API has none
   */
  record Condition(String type, String status, Optional<String> lastTransitionTime) {}

  /** The index of the first condition of {@code type}, or -1. */
  int indexOf(String type) {
    for (int i = 0; i < conditions.size(); i++) {
      if (conditions.get(i).type().equals(type)) {
        return i;
      }
    }
    return -1;
  }
}
