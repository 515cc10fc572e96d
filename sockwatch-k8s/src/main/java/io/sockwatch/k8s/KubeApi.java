package io.sockwatch.k8s;

import java.time.Instant;

/**
 * The four requests the reporter makes, behind an interface so that the logic above it needs no
 * client library and the library's types stay in {@link Fabric8Api}. Every method throws {@link
 * ApiException} on failure.
 */
interface KubeApi extends AutoCloseable {

  /** {@code GET /api/v1/nodes/NAME}. */
  NodeView getNode(String name);

  /** {@code PATCH /api/v1/nodes/NAME/status} with a JSON patch (RFC 6902). */
  void patchNodeStatus(String name, String jsonPatch);

  /** {@code POST /apis/events.k8s.io/v1/namespaces/NS/events}. */
  void createEvent(EventDraft event);

  /**
   * {@code PATCH /apis/events.k8s.io/v1/namespaces/NS/events/NAME} (a merge patch) setting the
   * series' count and last observation.
   */
  void updateSeries(String namespace, String name, int count, Instant lastObserved);

  /** The API server's URL, for people. */
  String server();

  @Override
  void close();
}
