package io.sockwatch.cli.web;

/**
 * A web config that cannot be used, said in one line that names the file and the key: {@code serve}
 * prints it and exits 2 rather than serving with less protection than the file asks for.
 */
public final class WebConfigException extends RuntimeException {
  public WebConfigException(String message) {
    super(message);
  }

  public WebConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
