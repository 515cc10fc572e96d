package io.sockwatch.analysis;

import io.sockwatch.model.finding.Finding;
import java.util.List;
import java.util.Optional;

/**
 * A pure function from what was sampled to findings. Detectors do no I/O and keep no state, so each
 * can be tested on recorded or constructed input as well as on live kernel state.
 */
public interface Detector {

  /** Short id, e.g. {@code close-wait}; also the docs page name. */
  String id();

  /**
   * Whether it judges something the kernel keeps once for the whole node (TCP memory, orphans, the
   * conntrack table) rather than per network namespace (socket tables, port ranges, most counters).
   * When several namespaces are read, a node-wide detector runs once over all their sockets with
   * the host's counters; the others run once per namespace.
   */
  default boolean nodeWide() {
    return false;
  }

  /** Findings for this input; empty when nothing is wrong. */
  List<Finding> detect(DoctorInput input);

  /**
   * Why this detector cannot judge {@code input} at all, when an input it needs is missing (e.g.
   * {@code tcp_mem}, which only the host's network namespace shows); empty when it can. A detector
   * that finds nothing because it cannot look must not read as "healthy" where a yes/no answer is
   * asked ({@code doctor --check}: node-problem-detector's Unknown). Empty by default: most
   * detectors judge whatever socket table they get.
   */
  default Optional<String> missingInput(DoctorInput input) {
    return Optional.empty();
  }

  /**
   * Every {@link Evidence#key()} its findings can carry, so that the contract with programs is
   * enumerable: docs/doctor-json.md lists each with unit and meaning, and a test holds the two
   * together. None by default, for detectors that give no evidence.
   */
  default List<String> evidenceKeys() {
    return List.of();
  }
}
