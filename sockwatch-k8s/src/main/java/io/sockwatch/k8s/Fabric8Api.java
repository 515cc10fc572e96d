package io.sockwatch.k8s;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link KubeApi} on the fabric8 client with the JDK's HTTP client. The only class that sees
 * fabric8's types. The client's own retries are switched off: the reporter retries with its own
 * backoff, counts every attempt, and never waits inside the library.
 */
final class Fabric8Api implements KubeApi {

  /** events.k8s.io's MicroTime: RFC 3339 with microseconds. */
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;

  private Fabric8Api(KubernetesClient client) {
    this.client = client;
  }

  /**
   * A client on {@code base} (where the API server is, and the credentials) with the reporter's
   * timeouts and without the library's retries.
   */
  static Fabric8Api create(Config base, Duration requestTimeout) {
    int millis = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
    Config config =
        new ConfigBuilder(base)
            .withRequestTimeout(millis)
            .withConnectionTimeout(millis)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new Fabric8Api(new KubernetesClientBuilder().withConfig(config).build());
  }

  @Override
  public NodeView getNode(String name) {
    Node n = request("GET node " + name, () -> client.nodes().withName(name).get());
    if (n == null) {
      throw new ApiException(Outcome.CLIENT_ERROR, 404, "GET node " + name + ": 404 no such Node");
    }
    List<NodeView.Condition> conditions = new ArrayList<>();
    if (n.getStatus() != null && n.getStatus().getConditions() != null) {
      for (NodeCondition c : n.getStatus().getConditions()) {
        conditions.add(
            new NodeView.Condition(
                String.valueOf(c.getType()),
                String.valueOf(c.getStatus()),
                Optional.ofNullable(c.getLastTransitionTime())));
      }
    }
    String uid = n.getMetadata().getUid() == null ? "" : n.getMetadata().getUid();
    String rv =
        n.getMetadata().getResourceVersion() == null ? "" : n.getMetadata().getResourceVersion();
    return new NodeView(uid, rv, conditions);
  }

  @Override
  public void patchNodeStatus(String name, String jsonPatch) {
    // A Node with only its name: the client then sends the patch without reading the Node first.
    Node target = new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
    request(
        "PATCH node " + name + " status",
        () ->
            client
                .nodes()
                .resource(target)
                .status()
                .patch(PatchContext.of(PatchType.JSON), jsonPatch));
  }

  @Override
  public void createEvent(EventDraft d) {
    ObjectReferenceBuilder regarding =
        new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node").withName(d.nodeName());
    if (!d.nodeUid().isEmpty()) {
      regarding.withUid(d.nodeUid());
    }
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(d.name())
            .withNamespace(d.namespace())
            .endMetadata()
            .withEventTime(new MicroTime(MICRO.format(d.eventTime())))
            .withType(d.type())
            .withReason(d.reason())
            .withAction(d.action())
            .withNote(d.note())
            .withRegarding(regarding.build())
            .withReportingController(d.reportingController())
            .withReportingInstance(d.reportingInstance())
            .build();
    request(
        "POST event " + d.name(),
        () -> client.events().v1().events().inNamespace(d.namespace()).resource(e).create());
  }

  @Override
  public void updateSeries(String namespace, String name, int count, Instant lastObserved) {
    ObjectNode patch = JSON.createObjectNode();
    patch
        .putObject("series")
        .put("count", count)
        .put("lastObservedTime", MICRO.format(lastObserved));
    Event target =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    request(
        "PATCH event " + name + " series",
        () ->
            client
                .events()
                .v1()
                .events()
                .inNamespace(namespace)
                .resource(target)
                .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch)));
  }

  @Override
  public String server() {
    return client.getConfiguration().getMasterUrl();
  }

  @Override
  public void close() {
    client.close();
  }

  private static <T> T request(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw classify(what, e);
    }
  }

  /** The outcome and a one-line message of a failed request. */
  static ApiException classify(String what, KubernetesClientException e) {
    int code = e.getCode();
    if (code > 0) {
      String detail =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : "";
      return new ApiException(
          Outcome.ofStatus(code), code, Text.bound(what + ": " + code + " " + detail, 400).strip());
    }
    Throwable root = e;
    boolean timeout = false;
    boolean refused = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      timeout |=
          t instanceof HttpTimeoutException
              || t instanceof TimeoutException
              || t instanceof InterruptedIOException;
      refused |= t instanceof ConnectException;
      root = t;
    }
    String cause =
        refused
            ? "connection refused or no route to the server"
            : root.getMessage() == null ? root.getClass().getSimpleName() : root.toString();
    return new ApiException(
        timeout ? Outcome.TIMEOUT : Outcome.NETWORK_ERROR,
        0,
        Text.bound(what + ": " + (timeout ? "timed out: " : "unreachable: ") + cause, 400));
  }
}
