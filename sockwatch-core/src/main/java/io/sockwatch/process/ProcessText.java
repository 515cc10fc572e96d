package io.sockwatch.process;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the raw bytes of {@code /proc/<pid>/comm} and {@code /proc/<pid>/cmdline}. Pure, so it is
 * fuzzed apart from the file reads.
 */
final class ProcessText {
  /**
   * Most bytes of a command line that are kept. Command lines can be up to the kernel's ARG_MAX
   * (megabytes); a table cell needs far less, and reading more than this per process would dominate
   * attribution time on hosts with many processes.
   */
  static final int MAX_CMDLINE_BYTES = 4096;

  private ProcessText() {}

  /** The comm text: up to the first newline (the kernel ends it with one), as UTF-8. */
  static String comm(byte[] raw, int len) {
    int end = 0;
    while (end < len && raw[end] != '\n') {
      end++;
    }
    return new String(raw, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * The command line with its NUL argument separators turned into spaces and trailing NULs dropped,
   * as UTF-8 (invalid sequences become U+FFFD). At most {@link #MAX_CMDLINE_BYTES} bytes are
   * decoded; the caller reads no more than that.
   */
  static String cmdline(byte[] raw, int len) {
    int end = Math.min(len, MAX_CMDLINE_BYTES);
    while (end > 0 && raw[end - 1] == 0) {
      end--;
    }
    byte[] text = Arrays.copyOf(raw, end);
    for (int i = 0; i < end; i++) {
      if (text[i] == 0) {
        text[i] = ' ';
      }
    }
    return new String(text, StandardCharsets.UTF_8);
  }
}
