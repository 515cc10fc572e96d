package io.sockwatch.cli.metrics;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.watch.TrackedFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The node conditions ({@link NodeCondition}) as metrics, from the open findings: one 0/1 gauge per
 * condition, always all four, and one series per open finding that sets a condition, labelled with
 * the process and destination it names.
 *
 * <p><b>Why.</b> Kubernetes node conditions, node-problem-detector ({@code doctor --check}) and the
 * Prometheus alerts must say the same thing about a node; computing the gauge here with {@link
 * NodeCondition#setBy} (rather than re-stating in PromQL which detector at which severity counts)
 * keeps one table of that. The per-finding series exist so that an alert can name the leaking
 * process or the destination running out of ports as labels; {@code sockwatch_finding_open} names
 * only the finding id, whose form differs per detector. They are capped like {@code
 * sockwatch_finding_open}, most severe first, while the 0/1 gauge always covers every finding.
 */
final class ConditionMetrics {

  /** Per-finding series written at most. */
  static final int MAX_FINDING_SERIES = FindingMetrics.MAX_FINDING_SERIES;

  private ConditionMetrics() {}

  /** {@code open} is most severe first, as {@code WatchState} keeps it. */
  static void add(Families out, List<TrackedFinding> open) {
    Families.Gauge conditions =
        out.gauge(
            "sockwatch_condition",
            "1 while an open finding sets the node condition (as the Kubernetes node condition of"
                + " that type and doctor --check report it), else 0.");
    Families.Gauge findings =
        out.gauge(
            "sockwatch_condition_finding",
            "1 for each open finding that sets a node condition, with the process and destination"
                + " it names (at most "
                + MAX_FINDING_SERIES
                + ", most severe first).");
    boolean[] set = new boolean[NodeCondition.values().length];
    int written = 0;
    for (TrackedFinding t : open) {
      Finding f = t.finding();
      for (NodeCondition c : NodeCondition.values()) {
        if (c.setBy(f)) {
          set[c.ordinal()] = true;
          if (written < MAX_FINDING_SERIES) {
            findings.point(1, labels(c, f));
            written++;
          }
        }
      }
    }
    for (NodeCondition c : NodeCondition.values()) {
      conditions.point(set[c.ordinal()] ? 1 : 0, "condition", c.type());
    }
    conditions.add();
    findings.add();
  }

  /**
   * condition, id, detector, severity; then, when the finding has them, its first process ({@code
   * comm(pid)}), its destination, its namespace and first container (as {@code
   * sockwatch_finding_open} labels them).
   */
  private static String[] labels(NodeCondition c, Finding f) {
    List<String> labels =
        new ArrayList<>(
            List.of(
                "condition",
                c.type(),
                "id",
                f.id(),
                "detector",
                f.detector(),
                "severity",
                f.severity().name().toLowerCase(Locale.ROOT)));
    Subject s = f.subject();
    if (!s.processes().isEmpty()) {
      labels.addAll(List.of("process", s.processes().getFirst()));
    }
    if (!s.destination().isEmpty()) {
      labels.addAll(List.of("destination", s.destination()));
    }
    Placement p = s.placement();
    if (!p.netns().isEmpty()) {
      labels.addAll(List.of("netns", p.netns()));
    }
    if (!p.containers().isEmpty()) {
      labels.addAll(List.of("container", p.containers().getFirst()));
    }
    return labels.toArray(String[]::new);
  }
}
