package io.sockwatch.cli.metrics;

import io.sockwatch.k8s.Outcome;
import io.sockwatch.k8s.ReporterStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code serve --kubernetes}: whether the agent reaches the API server, how its requests fare, and
 * what it wrote, so that an agent whose conditions silently stopped updating shows on the same
 * dashboards and alerts. A fixed set of series: every request outcome is always written (zeros
 * included), one point per condition type.
 */
final class KubernetesMetrics {

  private KubernetesMetrics() {}

  static void add(Families out, ReporterStatus k) {
    out.gauge(
        "sockwatch_kubernetes_up",
        "1 when the last attempt to write to the Kubernetes API succeeded, else 0.",
        k.connected() ? 1 : 0);
    Map<String, Long> byResult = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      byResult.put(o.label(), k.requests().get(o));
    }
    out.counter(
        "sockwatch_kubernetes_requests_total",
        "Kubernetes API requests by result (ok, conflict, server_error, timeout, client_error,"
            + " network_error).",
        "result",
        byResult);
    k.lastSuccess()
        .ifPresent(
            t ->
                out.gauge(
                    "sockwatch_kubernetes_last_success_timestamp_seconds",
                    "When an attempt to write to the Kubernetes API last succeeded, seconds since"
                        + " the epoch.",
                    seconds(t)));
    out.counter(
        "sockwatch_kubernetes_retries_total",
        "Attempts made after a failure or a conflict.",
        k.retries());
    out.counter(
        "sockwatch_kubernetes_condition_writes_total",
        "Successful writes of the node's conditions.",
        k.conditionWrites());
    Families.Gauge conditions =
        out.gauge(
            "sockwatch_kubernetes_node_condition",
            "Status last written to the node's condition of this type: 1 True, 0 False.");
    k.conditions()
        .forEach((type, status) -> conditions.point(status.equals("True") ? 1 : 0, "type", type));
    conditions.add();
    Map<String, Long> events = new LinkedHashMap<>();
    events.put("created", k.eventsCreated());
    events.put("series", k.eventsSeriesUpdates());
    events.put("dropped", k.eventsDropped());
    out.counter(
        "sockwatch_kubernetes_events_total",
        "Kubernetes events by outcome: created, counted on an existing event (series), dropped.",
        "outcome",
        events);
    out.gauge(
        "sockwatch_kubernetes_pending_events", "Events waiting to be written.", k.eventsPending());
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }
}
