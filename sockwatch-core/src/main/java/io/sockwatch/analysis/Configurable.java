package io.sockwatch.analysis;

import java.util.List;

/** A detector with thresholds users may override ({@code doctor --set NAME=VALUE}). */
public interface Configurable {
  List<Threshold> thresholds();
}
