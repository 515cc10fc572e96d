package io.sockwatch.cli.output;

import io.sockwatch.model.finding.ConditionCheck;
import io.sockwatch.model.finding.Finding;
import java.nio.charset.StandardCharsets;

/**
 * The one line {@code doctor --check TYPE} prints: node-problem-detector takes a custom plugin's
 * stdout, cut to its {@code max_output_length}, as the condition's message. So the line is {@code
 * TYPE: ok}, {@code TYPE: <the first finding's title>} (with how many more), or {@code TYPE:
 * unknown: <why>}, and it is fitted here, at a word boundary with "...", rather than cut blindly by
 * node-problem-detector: the type and who come first, so they survive the fitting. Length is
 * counted in UTF-8 bytes (what node-problem-detector counts), control characters become spaces, and
 * the line never ends in the middle of a character.
 */
public final class ConditionLine {

  /** node-problem-detector's own default {@code max_output_length} (when a config sets none). */
  public static final int DEFAULT_MAX_LENGTH = 80;

  /** The shortest bound accepted: the longest type, ": ", and a few words. */
  public static final int MIN_MAX_LENGTH = 40;

  private static final String ELLIPSIS = "...";

  private ConditionLine() {}

  /** The line for {@code check}, at most {@code maxLength} UTF-8 bytes. */
  public static String of(ConditionCheck check, int maxLength) {
    String type = check.condition().type();
    return switch (check.verdict()) {
      case OK -> fit(type + ": ok", maxLength);
      case PROBLEM -> {
        Finding first = check.setting().getFirst();
        int more = check.setting().size() - 1;
        String tail = more > 0 ? " (+" + more + " more)" : "";
        yield fitWithTail(type + ": " + first.title(), tail, maxLength, type.length() + 2);
      }
      case UNKNOWN -> fit(type + ": unknown: " + String.join("; ", check.undecided()), maxLength);
    };
  }

  /** {@code TYPE: unknown: REASON} when nothing could be read at all. */
  public static String unknown(String type, String reason, int maxLength) {
    return fit(type + ": unknown: " + reason, maxLength);
  }

  /** {@code head} fitted so that {@code tail} (kept whole) follows it within {@code maxLength}. */
  static String fitWithTail(String head, String tail, int maxLength, int keep) {
    String t = clean(tail);
    int room = maxLength - bytes(t);
    String h = clean(head);
    if (bytes(h) <= room) {
      return h + t;
    }
    return fit(h, room, keep) + t;
  }

  /** {@code text} on one line of at most {@code maxLength} UTF-8 bytes. */
  static String fit(String text, int maxLength) {
    return fit(text, maxLength, 0);
  }

  /**
   * {@code text} in at most {@code maxLength} bytes, cut at a word boundary when one is near, but
   * never within its first {@code keep} characters (the {@code TYPE: } prefix, whose space is a
   * word boundary too: a title of one long word once came out as {@code SocketLeak:...}).
   */
  static String fit(String text, int maxLength, int keep) {
    String s = clean(text);
    if (bytes(s) <= maxLength) {
      return s;
    }
    int room = maxLength - ELLIPSIS.length();
    // The longest prefix within room bytes, on a code point boundary.
    int end = 0;
    int used = 0;
    while (end < s.length()) {
      int cp = s.codePointAt(end);
      int size = bytes(new String(Character.toChars(cp)));
      if (used + size > room) {
        break;
      }
      used += size;
      end += Character.charCount(cp);
    }
    int space = s.lastIndexOf(' ', end);
    // Cut at the last word boundary unless that throws away more than a third of the room.
    if (space > 0 && space >= keep && space >= end * 2 / 3) {
      end = space;
    }
    return s.substring(0, end).stripTrailing() + ELLIPSIS;
  }

  private static String clean(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
    return sb.toString();
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
