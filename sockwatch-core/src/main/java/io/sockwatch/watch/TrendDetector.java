package io.sockwatch.watch;

import io.sockwatch.model.finding.Finding;
import java.util.List;

/**
 * A detector of what only shows over time (churn sustained over many ticks, leaks, time to a
 * limit). Like {@link io.sockwatch.analysis.Detector} it does no I/O and keeps no state: all it
 * knows comes from the history and the latest tick in its input.
 */
public interface TrendDetector {

  /** Short id, e.g. {@code socket-leak}; also the docs page name. */
  String id();

  /** Findings for this input; empty when nothing is wrong. */
  List<Finding> detect(TrendInput input);

  /**
   * Every {@link io.sockwatch.analysis.Evidence#key()} its findings can carry (see {@link
   * io.sockwatch.analysis.Detector#evidenceKeys()}). None by default.
   */
  default List<String> evidenceKeys() {
    return List.of();
  }
}
