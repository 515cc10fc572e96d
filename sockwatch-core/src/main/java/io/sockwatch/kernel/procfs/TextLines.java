package io.sockwatch.kernel.procfs;

import java.util.ArrayList;
import java.util.List;

/** Line and field splitting shared by the small counter and sysctl parsers (not the hot path). */
final class TextLines {

  private static final int QUOTE_LIMIT = 24;

  private TextLines() {}

  /** True when non-empty text does not end with a newline: the kernel always writes one. */
  static boolean truncated(String text) {
    return !text.isEmpty() && text.charAt(text.length() - 1) != '\n';
  }

  /** The newline-terminated lines of {@code text}; an unterminated last line is left out. */
  static List<String> completeLines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int nl;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      lines.add(text.substring(start, nl));
      start = nl + 1;
    }
    return lines;
  }

  /** The blank-separated fields of a line. */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && isBlank(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isBlank(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        fields.add(line.substring(start, i));
      }
    }
    return fields;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  /** True for the names the kernel uses for sections and counters (letters, digits, _ . -). */
  static boolean isName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Quotes untrusted text for a message: printable ASCII only, at most a few dozen chars. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 5).append('\'');
    for (int i = 0; i < s.length() && i < QUOTE_LIMIT; i++) {
      char c = s.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (s.length() > QUOTE_LIMIT) {
      sb.append("...");
    }
    return sb.append('\'').toString();
  }

  /** The value of a decimal counter, or null when the text is not one. */
  static Long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
