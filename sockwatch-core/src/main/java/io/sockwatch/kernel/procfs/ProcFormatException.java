package io.sockwatch.kernel.procfs;

/**
 * A /proc or /proc/sys file whose text is not what the kernel writes. The message is the whole
 * reason as users see it in an {@link io.sockwatch.model.Unavailable}: {@code truncated: ...} when
 * the text stops early, {@code unrecognised format: ...} otherwise.
 */
final class ProcFormatException extends Exception {

  private ProcFormatException(String reason) {
    super(reason);
  }

  static ProcFormatException truncated(String detail) {
    return new ProcFormatException("truncated: " + detail);
  }

  static ProcFormatException unrecognised(String detail) {
    return new ProcFormatException("unrecognised format: " + detail);
  }
}
