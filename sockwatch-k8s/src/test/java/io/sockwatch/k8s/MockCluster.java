package io.sockwatch.k8s;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * fabric8's mock API server as the tests use it: a Node seeded with kubelet's {@code Ready} and a
 * condition of another writer, the requests the reporter made (with their bodies), and the Node as
 * the server now has it. It is a mock (no real API server can run here): it stores JSON and applies
 * JSON patches, and refuses a patch whose resourceVersion is stale with 409 as the real one does;
 * it has no RBAC and no validation.
 *
 * <p>It is what {@code @EnableKubernetesMockClient(crud = true)} builds (CRUD, with expectations
 * answered first), started by hand so that a dispatcher in front can keep each request's body: the
 * CRUD dispatcher consumes the body, and the server's own record of the request is then empty.
 */
final class MockCluster implements AutoCloseable {

  static final String NODE = "node-1";
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** kubelet's condition, as a real node has it. */
  static final NodeCondition READY =
      new NodeConditionBuilder()
          .withType("Ready")
          .withStatus("True")
          .withReason("KubeletReady")
          .withMessage("kubelet is posting ready status")
          .withLastHeartbeatTime("2026-12-07T09:59:50Z")
          .withLastTransitionTime("2026-12-01T08:00:00Z")
          .build();

  /** node-problem-detector's, a writer sockwatch must leave alone too. */
  static final NodeCondition KERNEL_DEADLOCK =
      new NodeConditionBuilder()
          .withType("KernelDeadlock")
          .withStatus("False")
          .withReason("KernelHasNoDeadlock")
          .withMessage("kernel has no deadlock")
          .withLastHeartbeatTime("2026-12-07T09:59:00Z")
          .withLastTransitionTime("2026-12-01T08:01:00Z")
          .build();

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<Request> log = new ArrayList<>();

  MockCluster() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    Dispatcher mixed = new KubernetesMixedDispatcher(expectations);
    Dispatcher recording =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            byte[] body = r.getBody().readByteArray();
            synchronized (log) {
              log.add(
                  new Request(
                      r.getMethod(),
                      r.getPath(),
                      r.getHeader("Content-Type"),
                      new String(body, StandardCharsets.UTF_8)));
            }
            return mixed.dispatch(
                new RecordedRequest(
                    r.getRequestLine(), r.method(), r.getPath(), r.getHeaders(), new Buffer(body)));
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, recording, false);
    server.init();
    client = server.createClient();
  }

  /** Answers to give before the stored objects answer (failures to inject). */
  MockServerExpectation expect() {
    return server.expect();
  }

  /** The test's own client (seeding, reading back). */
  KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** Creates the Node with {@code conditions} and forgets the requests that took. */
  Node seed(NodeCondition... conditions) {
    Node n =
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(NODE)
                    .endMetadata()
                    .withNewStatus()
                    .withConditions(conditions)
                    .endStatus()
                    .build())
            .create();
    requests();
    return n;
  }

  /** A reporter's client on this server, with {@code timeout} per request and no own retries. */
  Fabric8Api api(Duration timeout) {
    return Fabric8Api.create(client.getConfiguration(), timeout);
  }

  /** The Node as the server has it now (the test's own request is not recorded). */
  Node node() {
    return own(() -> client.nodes().withName(NODE).get());
  }

  /** Runs a request of the test's own and leaves it out of {@link #requests()}. */
  <T> T own(java.util.function.Supplier<T> call) {
    int before;
    synchronized (log) {
      before = log.size();
    }
    T result = call.get();
    synchronized (log) {
      log.subList(Math.min(before, log.size()), log.size()).clear();
    }
    return result;
  }

  /** The Node's condition of {@code type}; fails when there is not exactly one. */
  NodeCondition condition(String type) {
    List<NodeCondition> of =
        node().getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).toList();
    if (of.size() != 1) {
      throw new AssertionError(of.size() + " conditions of type " + type + ": " + of);
    }
    return of.getFirst();
  }

  /** kubelet (or anyone) replacing the Node's conditions, as an update of the status. */
  void rewriteConditions(List<NodeCondition> conditions) {
    own(
        () ->
            client
                .nodes()
                .withName(NODE)
                .editStatus(
                    n -> {
                      n.getStatus().setConditions(new ArrayList<>(conditions));
                      return n;
                    }));
  }

  /** One request the reporter made: method, path, content type and body. */
  record Request(String method, String path, String contentType, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    String line() {
      return method + " " + path;
    }
  }

  /** The requests made since the last call, in order. */
  List<Request> requests() {
    synchronized (log) {
      List<Request> out = List.copyOf(log);
      log.clear();
      return out;
    }
  }

  /** The requests about Nodes made since the last call (events dropped), in order. */
  List<Request> nodeRequests() {
    return requests().stream().filter(r -> r.path().startsWith("/api/v1/nodes")).toList();
  }
}
