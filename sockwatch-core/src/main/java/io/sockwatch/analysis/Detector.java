package io.sockwatch.analysis;

import java.util.List;

/**
 * A pure function from what was sampled to findings. Detectors do no I/O and keep no state, so each
 * can be tested on recorded or constructed input as well as on live kernel state.
 */
public interface Detector {

  /** Short id, e.g. {@code close-wait}; also the docs page name. */
  String id();

  /** Findings for this input; empty when nothing is wrong. */
  List<Finding> detect(DoctorInput input);
}
