package io.sockwatch.model.finding;

import io.sockwatch.model.Unavailable;
import java.util.ArrayList;
import java.util.List;

/**
 * The doctor's answer: findings most severe first, what could not be read or judged, and the
 * verdict in node-problem-detector's terms.
 *
 * @param findings findings, CRITICAL first
 * @param unavailable what could not be read or judged, with reasons
 * @param socketCount sockets in the current sample
 * @param detectorCount detectors that ran
 */
public record DoctorReport(
    List<Finding> findings, List<Unavailable> unavailable, int socketCount, int detectorCount) {

  /** node-problem-detector custom plugin exit codes. */
  public enum Verdict {
    OK(0),
    PROBLEM(1),
    UNKNOWN(2);

    private final int exitCode;

    Verdict(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  public DoctorReport {
    findings = List.copyOf(findings);
    unavailable = List.copyOf(unavailable);
  }

  /** This report with {@code more} added to what could not be read or judged. */
  public DoctorReport withUnavailable(List<Unavailable> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Unavailable> all = new ArrayList<>(unavailable);
    all.addAll(more);
    return new DoctorReport(findings, all, socketCount, detectorCount);
  }

  public Verdict verdict() {
    return findings.stream().anyMatch(f -> f.severity().isProblem()) ? Verdict.PROBLEM : Verdict.OK;
  }

  /** The one-line message node-problem-detector shows (the first line of the output). */
  public String headline() {
    long critical = findings.stream().filter(f -> f.severity() == Severity.CRITICAL).count();
    long warning = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
    if (critical + warning == 0) {
      return "sockwatch doctor: healthy: "
          + socketCount
          + " sockets checked by "
          + detectorCount
          + " detectors, nothing wrong"
          + (findings.isEmpty() ? "" : " (" + findings.size() + " notes)");
    }
    Finding first = findings.getFirst();
    return "sockwatch doctor: "
        + (critical > 0 ? critical + " critical" : "")
        + (critical > 0 && warning > 0 ? ", " : "")
        + (warning > 0 ? warning + " warning" : "")
        + ": "
        + first.title();
  }
}
