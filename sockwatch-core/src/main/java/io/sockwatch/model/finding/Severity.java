package io.sockwatch.model.finding;

/** How urgent a finding is; {@code doctor} lists findings most severe first. */
public enum Severity {
  /** A limit is reached or about to be: connections are failing or will within minutes. */
  CRITICAL,
  /** A limit is approaching or an application bug is visible; act before it becomes critical. */
  WARNING,
  /** Worth knowing, not a problem by itself (e.g. a risky default). */
  INFO;

  /** Whether node-problem-detector should see this as a problem (exit code 1). */
  public boolean isProblem() {
    return this != INFO;
  }

  /**
   * The severity of a fill level against a warning and a critical threshold (fractions of a limit),
   * or empty below the warning threshold.
   */
  public static java.util.Optional<Severity> ofFill(double fill, double warning, double critical) {
    if (fill >= critical) {
      return java.util.Optional.of(CRITICAL);
    }
    return fill >= warning ? java.util.Optional.of(WARNING) : java.util.Optional.empty();
  }
}
