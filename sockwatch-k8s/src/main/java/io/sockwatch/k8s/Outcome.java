package io.sockwatch.k8s;

/**
 * What became of one API request; the {@link #label()} is the {@code result} label of {@code
 * sockwatch_kubernetes_requests_total} (a contract: add, never rename).
 */
public enum Outcome {
  /** 2xx. */
  OK("ok"),
  /** 409: someone else changed the object since it was read; re-read and retry. */
  CONFLICT("conflict"),
  /** 5xx, or 429 (the server asks to slow down). */
  SERVER_ERROR("server_error"),
  /** No answer within the request timeout. */
  TIMEOUT("timeout"),
  /** Any other 4xx: 401/403 (credentials, RBAC), 404 (no such node), 422 (refused as invalid). */
  CLIENT_ERROR("client_error"),
  /** The server could not be reached at all (refused, reset, DNS, TLS). */
  NETWORK_ERROR("network_error");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The outcome of an HTTP status code. */
  static Outcome ofStatus(int code) {
    if (code >= 200 && code < 300) {
      return OK;
    }
    if (code == 409) {
      return CONFLICT;
    }
    if (code >= 500 || code == 429) {
      return SERVER_ERROR;
    }
    return CLIENT_ERROR;
  }
}
