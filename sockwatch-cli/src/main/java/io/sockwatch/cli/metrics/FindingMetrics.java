package io.sockwatch.cli.metrics;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.TrackedFinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Open findings as metrics: a count per detector and severity (every known detector, zeros
 * included, so that "nothing open" is a 0 and not a missing series), and one 1-valued series per
 * open finding, for alerts that name the problem. The per-finding series are capped at {@link
 * #MAX_FINDING_SERIES}, most severe first; the counts always cover every open finding.
 */
final class FindingMetrics {

  /** Per-finding series written at most; past it only the counts grow. */
  static final int MAX_FINDING_SERIES = 100;

  private FindingMetrics() {}

  /** {@code open} is most severe first, as {@code WatchState} keeps it. */
  static void add(Families out, List<String> detectorIds, List<TrackedFinding> open) {
    int severities = Severity.values().length;
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (String id : detectorIds) {
      counts.put(id, new int[severities]);
    }
    for (TrackedFinding t : open) {
      Finding f = t.finding();
      counts.computeIfAbsent(f.detector(), k -> new int[severities])[f.severity().ordinal()]++;
    }
    Families.Gauge byDetector =
        out.gauge(
            "sockwatch_open_findings",
            "Open findings (seen on enough consecutive samples, not yet resolved), by detector"
                + " and severity.");
    counts.forEach(
        (detector, n) -> {
          for (Severity s : Severity.values()) {
            byDetector.point(n[s.ordinal()], "detector", detector, "severity", severity(s));
          }
        });
    byDetector.add();
    Families.Gauge each =
        out.gauge(
            "sockwatch_finding_open",
            "1 for each open finding, by id (at most "
                + MAX_FINDING_SERIES
                + ", most severe first; sockwatch_open_findings counts them all).");
    for (TrackedFinding t : open.subList(0, Math.min(MAX_FINDING_SERIES, open.size()))) {
      each.point(1, labels(t.finding()));
    }
    each.add();
  }

  /**
   * id, detector and severity; with several namespaces read, also the finding's namespace and its
   * first container or pod (one each, so the series count stays one per finding).
   */
  private static String[] labels(Finding f) {
    List<String> labels =
        new ArrayList<>(
            List.of("id", f.id(), "detector", f.detector(), "severity", severity(f.severity())));
    Placement p = f.subject().placement();
    if (!p.netns().isEmpty()) {
      labels.addAll(List.of("netns", p.netns()));
    }
    if (!p.containers().isEmpty()) {
      labels.addAll(List.of("container", p.containers().getFirst()));
    }
    return labels.toArray(String[]::new);
  }

  private static String severity(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
