package io.sockwatch;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.analysis.NamespaceDoctor;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.snapshot.NodeScan;
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
}
