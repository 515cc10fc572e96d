package io.sockwatch.analysis;

import io.sockwatch.model.Unavailable;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs every detector over one input and orders the findings. A detector that fails (a bug, or
 * input it did not expect) is reported as unavailable and the others still run: one broken check
 * must not hide the rest.
 */
final class DetectorRun {

  private final List<Detector> detectors;

  DetectorRun(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  DoctorReport examine(DoctorInput input) {
    List<Finding> findings = new ArrayList<>();
    List<Unavailable> unavailable = new ArrayList<>(input.after().unavailable());
    for (Detector d : detectors) {
      try {
        findings.addAll(d.detect(input));
      } catch (RuntimeException e) {
        unavailable.add(new Unavailable(Detectors.failureItem(d.id()), "failed: " + e));
      }
    }
    findings = new ArrayList<>(HerdFolding.fold(findings));
    findings.sort(
        Comparator.comparing(Finding::severity)
            .thenComparing(Finding::detector)
            .thenComparing(Finding::key));
    return new DoctorReport(
        findings, unavailable, input.after().sockets().size(), detectors.size());
  }
}
