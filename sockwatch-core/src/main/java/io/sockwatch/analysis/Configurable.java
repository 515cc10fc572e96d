package io.sockwatch.analysis;

import io.sockwatch.model.finding.Threshold;
import java.util.List;

/** A detector with thresholds users may override ({@code doctor --set NAME=VALUE}). */
public interface Configurable {
  List<Threshold> thresholds();
}
