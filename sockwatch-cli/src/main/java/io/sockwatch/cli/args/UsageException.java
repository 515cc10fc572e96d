package io.sockwatch.cli.args;

/** A command line that cannot be obeyed; the message is one sentence for the user. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
