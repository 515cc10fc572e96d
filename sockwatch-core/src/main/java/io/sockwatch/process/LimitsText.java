package io.sockwatch.process;

import io.sockwatch.model.ProcessInfo;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code /proc/<pid>/limits}. Pure, so it is fuzzed apart from the file read. The file is a
 * table with one limit per line ({@code Max open files 1024 524288 files}); only the soft limit of
 * open files is needed, to tell how far a descriptor leak is from EMFILE.
 */
final class LimitsText {
  /** The file is about 1.4 KB; anything past this is not the table the kernel writes. */
  static final int MAX_BYTES = 4096;

  private static final byte[] OPEN_FILES = "Max open files".getBytes(StandardCharsets.US_ASCII);

  private LimitsText() {}

  /**
   * The soft limit on the "Max open files" line, or {@link ProcessInfo#ABSENT} when the line is
   * missing, says {@code unlimited}, or does not hold a number that fits a long.
   */
  static long maxOpenFiles(byte[] raw, int len) {
    int end = Math.min(len, raw.length);
    for (int line = 0; line < end; ) {
      if (startsWith(raw, line, end)) {
        return softValue(raw, line + OPEN_FILES.length, end);
      }
      while (line < end && raw[line] != '\n') {
        line++;
      }
      line++;
    }
    return ProcessInfo.ABSENT;
  }

  private static boolean startsWith(byte[] raw, int at, int end) {
    if (end - at < OPEN_FILES.length) {
      return false;
    }
    for (int i = 0; i < OPEN_FILES.length; i++) {
      if (raw[at + i] != OPEN_FILES[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first word after the name: digits up to a blank or the end of the line. */
  private static long softValue(byte[] raw, int at, int end) {
    int i = at;
    if (i < end && raw[i] != ' ') {
      return ProcessInfo.ABSENT; // "Max open filesX": another name
    }
    while (i < end && raw[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end && raw[i] >= '0' && raw[i] <= '9'; i++, digits++) {
      if (value > (Long.MAX_VALUE - 9) / 10) {
        return ProcessInfo.ABSENT;
      }
      value = value * 10 + (raw[i] - '0');
    }
    boolean wordEnds = i == end || raw[i] == ' ' || raw[i] == '\n';
    return digits > 0 && wordEnds ? value : ProcessInfo.ABSENT;
  }
}
