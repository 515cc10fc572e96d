package io.sockwatch.model.finding;

import java.util.List;

/**
 * The answer to "is this node condition true?" from one doctor run of only that condition's
 * detectors ({@code doctor --check TYPE}, a node-problem-detector rule): the findings that set it,
 * and why it could not be judged, if it could not.
 *
 * @param condition the condition asked about
 * @param setting the findings that set it ({@link NodeCondition#select}), most severe first
 * @param undecided why a detector of the condition could not judge (an input it needs was missing,
 *     or it failed), one reason each; empty when every one judged
 * @param report the whole report of the condition's detectors (findings below the condition's
 *     severity included)
 */
public record ConditionCheck(
    NodeCondition condition, List<Finding> setting, List<String> undecided, DoctorReport report) {

  public ConditionCheck {
    setting = List.copyOf(setting);
    undecided = List.copyOf(undecided);
  }

  /**
   * PROBLEM when a finding sets the condition (even if another detector could not judge: what was
   * found is true), UNKNOWN when none does but a detector could not judge, OK otherwise.
   */
  public DoctorReport.Verdict verdict() {
    if (!setting.isEmpty()) {
      return DoctorReport.Verdict.PROBLEM;
    }
    return undecided.isEmpty() ? DoctorReport.Verdict.OK : DoctorReport.Verdict.UNKNOWN;
  }
}
