package io.sockwatch.cli.http;

/**
 * A request the server cannot answer, with the HTTP status and a message for the caller. Thrown by
 * endpoints, turned into a JSON error body by {@link ApiServer}; never carries a stack trace out.
 */
final class HttpProblem extends RuntimeException {

  private final int status;

  HttpProblem(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static HttpProblem badRequest(String message) {
    return new HttpProblem(400, message);
  }

  static HttpProblem notFound(String message) {
    return new HttpProblem(404, message);
  }

  int status() {
    return status;
  }
}
