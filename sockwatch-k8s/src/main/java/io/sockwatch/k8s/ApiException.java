package io.sockwatch.k8s;

/**
 * A failed API request, already classified, with a one-line message fit for {@code /api/status}.
 * The client library's exception stays behind {@link KubeApi}.
 */
final class ApiException extends RuntimeException {

  private final Outcome outcome;
  private final int code;

  ApiException(Outcome outcome, int code, String message) {
    super(message, null, false, false);
    this.outcome = outcome;
    this.code = code;
  }

  Outcome outcome() {
    return outcome;
  }

  /** The HTTP status, 0 when there was none (timeout, unreachable). */
  int code() {
    return code;
  }
}
