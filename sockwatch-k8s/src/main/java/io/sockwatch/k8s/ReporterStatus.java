package io.sockwatch.k8s;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reporter's account of itself, immutable: where it writes, whether that works, what it wrote
 * and what it had to drop. {@code /api/status} shows it as its {@code kubernetes} object and {@code
 * /metrics} as the {@code sockwatch_kubernetes_*} family.
 *
 * @param node the Node written to
 * @param apiServer the API server's URL
 * @param configSource where that was found (kubeconfig file, or the pod's service account)
 * @param connected whether the last attempt succeeded (false before the first)
 * @param lastSuccess when an attempt last succeeded
 * @param lastFailure when an attempt last failed
 * @param lastError what went wrong last, one line (kept after recovery, with {@code lastFailure})
 * @param consecutiveFailures failed attempts since the last success
 * @param nextAttempt when the next attempt is due while backing off; empty when not backing off
 * @param requests API requests by outcome, every outcome present (zeros included)
 * @param retries attempts made after a failure or a conflict
 * @param conditions each condition type with the status last written, in NodeCondition order; empty
 *     before the first write
 * @param conditionWrites successful patches of the Node's status
 * @param lastConditionWrite when the conditions were last written
 * @param eventsCreated events created
 * @param eventsSeriesUpdates repeats counted on an existing event (its series)
 * @param eventsDropped events given up: over the rate or queue bound, or refused as invalid
 * @param eventsPending events waiting to be written
 * @param forgotten findings and event series forgotten to keep the reporter's memory bounded
 */
public record ReporterStatus(
    String node,
    String apiServer,
    String configSource,
    boolean connected,
    Optional<Instant> lastSuccess,
    Optional<Instant> lastFailure,
    Optional<String> lastError,
    int consecutiveFailures,
    Optional<Instant> nextAttempt,
    Map<Outcome, Long> requests,
    long retries,
    Map<String, String> conditions,
    long conditionWrites,
    Optional<Instant> lastConditionWrite,
    long eventsCreated,
    long eventsSeriesUpdates,
    long eventsDropped,
    int eventsPending,
    long forgotten) {

  public ReporterStatus {
    Map<Outcome, Long> all = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      all.put(o, requests.getOrDefault(o, 0L));
    }
    requests = Collections.unmodifiableMap(all);
    conditions = Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
  }

  /** Requests of every outcome. */
  public long requestsTotal() {
    return requests.values().stream().mapToLong(Long::longValue).sum();
  }
}
