package io.sockwatch.model;

/**
 * A source cannot read anything in this environment. The message is a complete sentence fit to show
 * a user, since {@code --source auto} prints it when it falls back.
 */
public final class SourceUnavailableException extends Exception {
  public SourceUnavailableException(String message) {
    super(message);
  }

  public SourceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
