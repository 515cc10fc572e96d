package io.sockwatch.netns;

/**
 * Parses the target of a {@code /proc/<pid>/ns/net} link, {@code net:[4026531840]}: the number is
 * the namespace's inode in the nsfs file system, the one identity two processes' namespaces can be
 * compared by (and the one {@code lsns} and {@code stat -L} show). Pure, so it can be fuzzed.
 */
final class NetnsLinkText {

  /** Returned for text that is not a network namespace link. */
  public static final long NOT_NETNS = -1;

  private static final String PREFIX = "net:[";

  /** An inode is at most 2^64-1; 19 digits always fit a positive long. */
  private static final int MAX_DIGITS = 19;

  private NetnsLinkText() {}

  /**
   * The inode in {@code net:[N]}, or {@link #NOT_NETNS} for anything else: another namespace type
   * ({@code uts:[N]}), a socket link, a zero, a sign, leading zeros, extra text, or a number that
   * does not fit a positive long.
   */
  public static long inodeOf(String link) {
    int end = link.length() - 1;
    if (!link.startsWith(PREFIX) || end < PREFIX.length() + 1 || link.charAt(end) != ']') {
      return NOT_NETNS;
    }
    int digits = end - PREFIX.length();
    if (digits > MAX_DIGITS || link.charAt(PREFIX.length()) == '0') {
      return NOT_NETNS;
    }
    long value = 0;
    for (int i = PREFIX.length(); i < end; i++) {
      int d = link.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return NOT_NETNS;
      }
      if (value > (Long.MAX_VALUE - d) / 10) {
        return NOT_NETNS;
      }
      value = value * 10 + d;
    }
    return value;
  }
}
