package io.sockwatch.testkit;

import java.nio.charset.StandardCharsets;

/**
 * Parses one line of {@code ss -tanH} output ({@code State Recv-Q Send-Q Local Peer [Process]})
 * into an {@link SsEntry}. Pure: no I/O, so recorded output parses exactly like live output.
 *
 * <p>Lines that are not a TCP socket in that layout (a header, a netid column, an unknown state, a
 * malformed address) yield null rather than an error, so a newer ss that adds columns or states
 * degrades to "ignored", never to a wrong entry. Works on bytes and allocates only the entry and
 * its two endpoint strings, because a table can have a million lines. Not thread-safe.
 */
final class SsLineParser {

  /** The state names ss prints for TCP, in kernel order (UNCONN is the kernel's TCP_CLOSE). */
  static final String[] STATES = {
    "ESTAB",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "TIME-WAIT",
    "UNCONN",
    "CLOSE-WAIT",
    "LAST-ACK",
    "LISTEN",
    "CLOSING"
  };

  private static final byte[][] STATE_BYTES = new byte[STATES.length][];

  static {
    for (int i = 0; i < STATES.length; i++) {
      STATE_BYTES[i] = STATES[i].getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  private final EndpointNormalizer endpoints = new EndpointNormalizer();

  /** Parses {@code b[from, to)} (one line, without its newline); null if it is not a socket. */
  SsEntry parse(byte[] b, int from, int to) {
    int p = skipBlanks(b, from, to);
    int e = tokenEnd(b, p, to);
    String state = state(b, p, e);
    if (state == null) {
      return null;
    }
    for (int queue = 0; queue < 2; queue++) {
      p = skipBlanks(b, e, to);
      e = tokenEnd(b, p, to);
      if (!isNumber(b, p, e)) {
        return null;
      }
    }
    p = skipBlanks(b, e, to);
    e = tokenEnd(b, p, to);
    if (p == e) {
      return null;
    }
    String local = endpoints.normalize(b, p, e);
    p = skipBlanks(b, e, to);
    e = tokenEnd(b, p, to);
    if (local == null || p == e) {
      return null;
    }
    String peer = endpoints.normalize(b, p, e);
    return peer == null ? null : new SsEntry(state, local, peer);
  }

  /** Parses a line given as text (recorded samples, fuzzing); null if it is not a socket. */
  SsEntry parse(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  private static String state(byte[] b, int from, int to) {
    int n = to - from;
    for (int s = 0; s < STATE_BYTES.length; s++) {
      byte[] name = STATE_BYTES[s];
      if (name.length == n && regionEquals(b, from, name)) {
        return STATES[s];
      }
    }
    return null;
  }

  private static boolean regionEquals(byte[] b, int from, byte[] name) {
    for (int i = 0; i < name.length; i++) {
      if (b[from + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNumber(byte[] b, int from, int to) {
    if (from == to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\r';
  }

  private static int skipBlanks(byte[] b, int from, int to) {
    int i = from;
    while (i < to && isBlank(b[i])) {
      i++;
    }
    return i;
  }

  private static int tokenEnd(byte[] b, int from, int to) {
    int i = from;
    while (i < to && !isBlank(b[i])) {
      i++;
    }
    return i;
  }
}
