package io.sockwatch.cli.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockwatch.k8s.ReporterStatus;
import io.sockwatch.model.watch.WatchState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What {@code GET /metrics} says: a pure function from the agent's latest {@link WatchState} to
 * Prometheus metric families, written in the Prometheus text format 0.0.4.
 *
 * <p><b>Why the client library's model and writer, and no registry.</b> Every value here is already
 * computed once per tick by the sampler and published whole in an immutable {@code WatchState}; the
 * set of labelled series (top processes, destinations, open findings) changes from tick to tick. A
 * registry of live counters and gauges would duplicate that state, need series removed as they
 * leave the top lists, and could show a scrape half of one tick and half of the next. Building
 * {@code MetricSnapshots} from one state per scrape has none of those problems. Writing them with
 * {@link PrometheusTextFormatWriter} rather than by hand gets the format right where it is easy to
 * get wrong: escaping of label values (a process name may hold quotes, backslashes or newlines),
 * float formatting, HELP escaping and one TYPE per family.
 *
 * <p><b>Naming.</b> Every metric starts with {@code sockwatch_}, carries its unit in its name, and
 * counters end in {@code _total}. Metrics that are also kept as history use the {@link
 * io.sockwatch.model.watch.SeriesNames} name, so {@code /api/history?series=NAME} is the same
 * quantity. A value the agent does not know (no scan yet, a counter the kernel lacks, a limit that
 * cannot be read) is left out, never written as 0; sockets by state are the exception, as a state
 * with no socket is a real 0. {@code docs/serve-api.md} lists every metric.
 *
 * <p><b>Cardinality</b> is bounded whatever the node holds: per-process and per-destination series
 * exist only for the top {@code --top} (default 20, at most 1000) of each, five series per process
 * and four per destination; open findings are counted per known detector and severity, and named
 * one series each for at most {@value FindingMetrics#MAX_FINDING_SERIES}, as are the findings that
 * set a node condition ({@link ConditionMetrics}). Everything else is a fixed set (13 states, about
 * 40 node and 25 self metrics, 4 conditions). At the default top of 20 and with the detectors of
 * today, a scrape is under 600 samples; at {@code --top 1000}, under 9,600.
 */
public final class AgentMetrics {

  /** {@code text/plain; version=0.0.4; charset=utf-8}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private final List<String> detectorIds;

  /**
   * @param detectorIds every detector the agent runs, so that each has its finding counts (zeros
   *     included) from the first scrape on
   */
  public AgentMetrics(List<String> detectorIds) {
    this.detectorIds = List.copyOf(detectorIds);
  }

  /** The metric families of {@code state}. */
  public MetricSnapshots snapshot(WatchState state) {
    return snapshot(state, Optional.empty());
  }

  /**
   * The metric families of {@code state} and, with {@code serve --kubernetes}, of the Kubernetes
   * reporter ({@link KubernetesMetrics}).
   */
  public MetricSnapshots snapshot(WatchState state, Optional<ReporterStatus> kubernetes) {
    Families out = new Families();
    state
        .stats()
        .ifPresent(stats -> SocketMetrics.add(out, stats, state.status().lastScanGapSeconds()));
    NamespaceMetrics.add(out, state.namespaces());
    state.node().ifPresent(node -> NodeMetrics.add(out, node));
    FindingMetrics.add(out, detectorIds, state.open());
    ConditionMetrics.add(out, state.open());
    SelfMetrics.add(out, state);
    kubernetes.ifPresent(k -> KubernetesMetrics.add(out, k));
    return out.build();
  }

  /** {@code state} in the Prometheus text format. */
  public String exposition(WatchState state) {
    return exposition(state, Optional.empty());
  }

  /** {@code state} and the Kubernetes reporter's status in the Prometheus text format. */
  public String exposition(WatchState state, Optional<ReporterStatus> kubernetes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try {
      WRITER.write(bytes, snapshot(state, kubernetes));
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
