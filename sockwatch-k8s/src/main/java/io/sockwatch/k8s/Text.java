package io.sockwatch.k8s;

import java.nio.charset.StandardCharsets;

/** Bounding of the texts written to the API: messages and notes. */
final class Text {

  static final String ELLIPSIS = "…";

  private Text() {}

  /**
   * {@code s} cut to at most {@code maxBytes} bytes of UTF-8, ending in an ellipsis when cut. Cuts
   * fall between code points, never inside a surrogate pair. The API server counts an event note's
   * length in bytes, so bytes are the unit.
   */
  static String bound(String s, int maxBytes) {
    if (s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return s;
    }
    int budget = maxBytes - ELLIPSIS.getBytes(StandardCharsets.UTF_8).length;
    int bytes = 0;
    int end = 0;
    while (end < s.length()) {
      int cp = s.codePointAt(end);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > budget) {
        break;
      }
      bytes += len;
      end += Character.charCount(cp);
    }
    return s.substring(0, end).stripTrailing() + ELLIPSIS;
  }

  /** {@code close-wait} as {@code CloseWait}: a detector id as a CamelCase reason. */
  static String camel(String id) {
    StringBuilder sb = new StringBuilder();
    boolean up = true;
    for (char c : id.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
