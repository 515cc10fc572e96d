package io.sockwatch.process;

import io.sockwatch.model.SocketOwners;
import java.util.Objects;

/**
 * Parses the target of a {@code /proc/<pid>/fd/<n>} link. The kernel writes exactly {@code
 * socket:[INODE]} for a socket (decimal inode, no sign, no leading zeros); anything else (files,
 * pipes, {@code anon_inode:...}, a malformed or empty text) is not a socket and yields {@link
 * #NOT_SOCKET}.
 *
 * <p>Works on bytes so the native walker can parse its readlink buffer without making a String per
 * descriptor.
 */
final class SocketLinkText {
  /** Returned for any text that is not a well-formed socket link. */
  static final long NOT_SOCKET = -1;

  private static final byte[] PREFIX = {'s', 'o', 'c', 'k', 'e', 't', ':', '['};

  /** Longest decimal that fits a positive long: 19 digits. */
  private static final int MAX_DIGITS = 19;

  private SocketLinkText() {}

  /**
   * Returns the socket inode of link text {@code text[off, off+len)}, or {@link #NOT_SOCKET}. Inode
   * 0 is rejected: the kernel never gives a socket inode 0, and {@link SocketOwners} uses it as "no
   * socket" (it is the inode {@code sock_diag} reports for TIME_WAIT entries).
   *
   * @throws IndexOutOfBoundsException if the range lies outside {@code text}
   */
  static long inodeOf(byte[] text, int off, int len) {
    Objects.checkFromIndexSize(off, len, text.length);
    int digits = len - PREFIX.length - 1;
    if (digits < 1
        || digits > MAX_DIGITS
        || text[off + len - 1] != ']'
        || (digits > 1 && text[off + PREFIX.length] == '0')) {
      return NOT_SOCKET;
    }
    for (int i = 0; i < PREFIX.length; i++) {
      if (text[off + i] != PREFIX[i]) {
        return NOT_SOCKET;
      }
    }
    long value = 0;
    for (int i = off + PREFIX.length, end = off + len - 1; i < end; i++) {
      int d = text[i] - '0';
      if (d < 0 || d > 9) {
        return NOT_SOCKET;
      }
      if (value > (Long.MAX_VALUE - d) / 10) {
        return NOT_SOCKET;
      }
      value = value * 10 + d;
    }
    return value == 0 ? NOT_SOCKET : value;
  }
}
