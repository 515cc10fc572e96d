package io.sockwatch.k8s;

import java.time.Instant;

/**
 * An {@code events.k8s.io/v1} Event about the Node, as the reporter writes it.
 *
 * @param namespace where the event lives ({@code default}: a Node has no namespace)
 * @param name unique name, {@code NODE.HEX}
 * @param nodeName the Node it is about ({@code regarding})
 * @param nodeUid the Node's uid, empty when not yet known
 * @param eventTime when it was first observed
 * @param type {@code Warning} or {@code Normal}
 * @param reason CamelCase, e.g. {@code CloseWait}
 * @param action {@code Opened} or {@code Resolved}
 * @param note the finding in plain words, bounded
 * @param reportingController {@code sockwatch.io/serve}
 * @param reportingInstance the node's name
 */
record EventDraft(
    String namespace,
    String name,
    String nodeName,
    String nodeUid,
    Instant eventTime,
    String type,
    String reason,
    String action,
    String note,
    String reportingController,
    String reportingInstance) {}
