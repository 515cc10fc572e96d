package io.sockwatch;

import io.sockwatch.analysis.Detector;
import io.sockwatch.analysis.Detectors;
import io.sockwatch.analysis.DoctorInput;
import io.sockwatch.analysis.NamespaceDoctor;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.finding.ConditionCheck;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.NodeScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a node from one or two scans: runs every detector and says what is wrong, who causes it,
 * the headroom and the fix. Per-namespace checks judge each namespace on its own table and
 * counters; node-wide ones (TCP memory, orphans, conntrack) judge every socket with the host's.
 */
public final class Doctor {

  private Doctor() {}

  /** Every threshold the detectors use, with its default, for listing and {@code --set}. */
  public static List<Threshold> thresholds() {
    return Detectors.thresholds();
  }

  /** The id of every detector, in the order the documentation explains them. */
  public static List<String> detectorIds() {
    return Detectors.ids();
  }

  /**
   * Judges {@code after}, with {@code before} for rates and growth.
   *
   * @param before the earlier scan, if any; namespaces absent from it are judged on one sample
   * @param intervalSeconds seconds between the two scans
   */
  public static DoctorReport examine(
      Optional<NodeScan> before, NodeScan after, double intervalSeconds, DoctorConfig config) {
    return new NamespaceDoctor(Detectors.all()).examine(before, after, intervalSeconds, config);
  }

  /**
   * Judges one node condition: runs only the detectors of {@code condition} that judge scans (the
   * agent's trend detectors, which need history, are {@code serve}'s alone) and says whether a
   * finding sets it, or why it cannot be told. Node-problem-detector asks this every few seconds,
   * so it runs no more than it must.
   *
   * @param before the earlier scan, if any (rates: new TIME_WAIT per second, counter deltas)
   * @param intervalSeconds seconds between the two scans
   */
  public static ConditionCheck check(
      NodeCondition condition,
      Optional<NodeScan> before,
      NodeScan after,
      double intervalSeconds,
      DoctorConfig config) {
    List<Detector> detectors = Detectors.only(condition.detectors());
    DoctorReport report =
        new NamespaceDoctor(detectors).examine(before, after, intervalSeconds, config);
    List<String> undecided = new ArrayList<>();
    DoctorInput node = new DoctorInput(Optional.empty(), after.merged(), 0, config);
    for (Detector d : detectors) {
      String failed = Detectors.failureItem(d.id());
      Optional<String> why =
          report.unavailable().stream()
              .filter(u -> u.item().equals(failed))
              .map(Unavailable::reason)
              .findFirst()
              .or(() -> d.nodeWide() ? d.missingInput(node) : Optional.empty());
      why.ifPresent(w -> undecided.add(d.id() + ": " + w));
    }
    return new ConditionCheck(condition, condition.select(report.findings()), undecided, report);
  }
}
