package io.sockwatch.cli.metrics;

import io.sockwatch.k8s.Outcome;
import io.sockwatch.k8s.ReporterStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Kubernetes reporter statuses for the metrics and status tests. */
public final class KubernetesStatuses {

  public static final Instant SUCCESS = Instant.parse("2026-12-07T10:00:30.500Z");

  private KubernetesStatuses() {}

  /** A reporter that wrote SocketLeak True, after a conflict and two server errors. */
  public static ReporterStatus working() {
    Map<Outcome, Long> requests = new LinkedHashMap<>();
    requests.put(Outcome.OK, 40L);
    requests.put(Outcome.CONFLICT, 1L);
    requests.put(Outcome.SERVER_ERROR, 2L);
    Map<String, String> conditions = new LinkedHashMap<>();
    conditions.put("TCPMemoryPressure", "False");
    conditions.put("EphemeralPortPressure", "False");
    conditions.put("SocketLeak", "True");
    conditions.put("ConntrackPressure", "False");
    return new ReporterStatus(
        "node-1",
        "https://10.0.0.1:6443/",
        "in-cluster service account (/var/run/secrets/kubernetes.io/serviceaccount)",
        true,
        Optional.of(SUCCESS),
        Optional.of(Instant.parse("2026-12-07T10:00:20Z")),
        Optional.of("PATCH node node-1 status: 500 boom"),
        0,
        Optional.empty(),
        requests,
        3,
        conditions,
        7,
        Optional.of(SUCCESS),
        5,
        2,
        1,
        0,
        0);
  }

  /** A reporter that never reached the API server. */
  public static ReporterStatus neverConnected() {
    return new ReporterStatus(
        "node-1",
        "https://kubernetes.default.svc/",
        "KUBERNETES_MASTER",
        false,
        Optional.empty(),
        Optional.of(Instant.parse("2026-12-07T10:00:20Z")),
        Optional.of("GET node node-1: unreachable: java.net.ConnectException"),
        4,
        Optional.of(Instant.parse("2026-12-07T10:00:28Z")),
        Map.of(Outcome.NETWORK_ERROR, 4L),
        3,
        Map.of(),
        0,
        Optional.empty(),
        0,
        0,
        0,
        2,
        0);
  }
}
