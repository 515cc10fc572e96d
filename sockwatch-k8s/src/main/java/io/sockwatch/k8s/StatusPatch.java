package io.sockwatch.k8s;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON patch (RFC 6902) that writes sockwatch's condition types onto a Node's status and
 * touches nothing else. Pure.
 *
 * <p><b>Why a JSON patch, addressed by index, conditional on the version read.</b> A Node's {@code
 * status.conditions} is a list that kubelet, node-problem-detector and others write too. Replacing
 * the list (a merge patch, an update) would drop theirs, kubelet's {@code Ready} first. A JSON
 * patch replaces exactly the elements of our types and appends those missing; every other element
 * stays as it is. The indices are those of the Node as read, so the patch also sets {@code
 * metadata.resourceVersion} to the version read: the API server then refuses it with 409 Conflict
 * if anyone changed the Node in between (the indices may have moved), and the reporter reads it
 * again and retries. A strategic-merge patch keyed by type would need no read, but fabric8's mock
 * server, the only API server these tests can run against, does not implement it, and a patch whose
 * effect cannot be checked is not one to ship.
 *
 * <p><b>Times.</b> {@code lastHeartbeatTime} is the time of this write. {@code lastTransitionTime}
 * is kept as the Node has it while the status stays the same, and is the time of this write when
 * the status changes or the condition is new. Both are RFC 3339 with seconds, as the API stores
 * them.
 */
final class StatusPatch {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StatusPatch() {}

  /** The patch that makes {@code node} say {@code desired} at {@code now}. */
  static String build(NodeView node, List<DesiredCondition> desired, Instant now) {
    String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
    ArrayNode ops = NODES.arrayNode();
    if (!node.resourceVersion().isEmpty()) {
      ops.add(op("replace", "/metadata/resourceVersion").put("value", node.resourceVersion()));
    }
    if (node.conditions().isEmpty()) {
      ArrayNode all = NODES.arrayNode();
      for (DesiredCondition d : desired) {
        all.add(condition(d, at, at));
      }
      ops.add(op("add", "/status/conditions").set("value", all));
      return JSON.writeValueAsString(ops);
    }
    for (DesiredCondition d : desired) {
      int i = node.indexOf(d.type());
      if (i < 0) {
        ops.add(op("add", "/status/conditions/-").set("value", condition(d, at, at)));
      } else {
        NodeView.Condition current = node.conditions().get(i);
        String transition =
            current.status().equals(d.status()) ? current.lastTransitionTime().orElse(at) : at;
        ops.add(
            op("replace", "/status/conditions/" + i).set("value", condition(d, at, transition)));
      }
    }
    return JSON.writeValueAsString(ops);
  }

  private static ObjectNode op(String op, String path) {
    ObjectNode o = NODES.objectNode();
    o.put("op", op);
    o.put("path", path);
    return o;
  }

  private static ObjectNode condition(DesiredCondition d, String heartbeat, String transition) {
    ObjectNode c = NODES.objectNode();
    c.put("type", d.type());
    c.put("status", d.status());
    c.put("lastHeartbeatTime", heartbeat);
    c.put("lastTransitionTime", transition);
    c.put("reason", d.reason());
    c.put("message", d.message());
    return c;
  }
}
