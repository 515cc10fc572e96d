package io.sockwatch.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns an endpoint as {@code ss} prints it ({@code 127.0.0.1:80}, {@code [::1]:80}, {@code *:80},
 * {@code 127.0.0.53%lo:53}, {@code [::]:*}) into one canonical string, so ground truth compares
 * equal to sockwatch's own tuple keys: dotted quad for IPv4, RFC 5952 lower case in brackets for
 * IPv6 (IPv4-mapped as {@code ::ffff:a.b.c.d}), {@code *} address as {@code [::]} (ss prints a
 * dual-stack IPv6 wildcard that way), {@code *} port as 0, and the {@code %ifname} of a
 * device-bound socket dropped.
 *
 * <p>Works on bytes with one reusable buffer because it runs twice per line of a million-line
 * table. Not thread-safe.
 */
final class EndpointNormalizer {

  private final byte[] out = new byte[64];
  private final int[] groups = new int[8];
  private int len;

  /** The canonical endpoint for {@code b[from, to)}, or null when it is not an endpoint. */
  String normalize(byte[] b, int from, int to) {
    int colon = lastIndexOf(b, from, to, (byte) ':');
    if (colon < 0) {
      return null;
    }
    int port = parsePort(b, colon + 1, to);
    if (port < 0) {
      return null;
    }
    len = 0;
    boolean ok;
    if (b[from] == '[') {
      int close = indexOf(b, from + 1, colon, (byte) ']');
      if (close < 0 || (close + 1 != colon && b[close + 1] != '%')) {
        return null;
      }
      int pct = indexOf(b, from + 1, close, (byte) '%');
      ok = appendV6(b, from + 1, pct < 0 ? close : pct);
    } else {
      int pct = indexOf(b, from, colon, (byte) '%');
      int end = pct < 0 ? colon : pct;
      if (end - from == 1 && b[from] == '*') {
        appendAscii("[::]");
        ok = true;
      } else {
        ok = appendV4(b, from, end);
      }
    }
    if (!ok) {
      return null;
    }
    out[len++] = ':';
    appendDecimal(port);
    return new String(out, 0, len, StandardCharsets.ISO_8859_1);
  }

  private static int parsePort(byte[] b, int from, int to) {
    if (to - from == 1 && b[from] == '*') {
      return 0;
    }
    if (from == to || to - from > 5) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v <= 0xffff ? v : -1;
  }

  private boolean appendV4(byte[] b, int from, int to) {
    long v = parseV4(b, from, to);
    if (v < 0) {
      return false;
    }
    appendDottedQuad((int) v);
    return true;
  }

  /** Parses a dotted quad into its unsigned 32-bit value, or returns -1 when it is not one. */
  private static long parseV4(byte[] b, int from, int to) {
    long v = 0;
    int parts = 0;
    int i = from;
    while (parts < 4) {
      int start = i;
      int octet = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9' && i - start < 3) {
        octet = octet * 10 + (b[i] - '0');
        i++;
      }
      if (i == start || octet > 255) {
        return -1;
      }
      v = (v << 8) | octet;
      parts++;
      if (parts < 4) {
        if (i >= to || b[i] != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == to ? v : -1;
  }

  private boolean appendV6(byte[] b, int from, int to) {
    if (!parseV6(b, from, to)) {
      return false;
    }
    int[] g = groups;
    out[len++] = '[';
    if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
      appendAscii("::ffff:");
      appendDottedQuad((g[6] << 16) | g[7]);
    } else {
      appendRfc5952(g);
    }
    out[len++] = ']';
    return true;
  }

  /** Parses {@code b[from, to)} as IPv6 text into {@link #groups}. */
  private boolean parseV6(byte[] b, int from, int to) {
    int[] g = groups;
    Arrays.fill(g, 0);
    if (from == to) {
      return false;
    }
    int n = 0;
    int gap = -1;
    int i = from;
    if (b[i] == ':') {
      if (to - i < 2 || b[i + 1] != ':') {
        return false;
      }
      gap = 0;
      i += 2;
      if (i == to) {
        return true;
      }
    }
    while (true) {
      int start = i;
      int v = 0;
      int d;
      while (i < to && (d = Character.digit(b[i], 16)) >= 0) {
        if (i - start == 4) {
          return false;
        }
        v = (v << 4) | d;
        i++;
      }
      if (i < to && b[i] == '.') {
        long v4 = parseV4(b, start, to);
        if (n > 6 || v4 < 0) {
          return false;
        }
        g[n++] = (int) (v4 >>> 16);
        g[n++] = (int) (v4 & 0xffff);
        break;
      }
      if (i == start || n == 8) {
        return false;
      }
      g[n++] = v;
      if (i == to) {
        break;
      }
      if (b[i] != ':' || i + 1 == to) {
        return false;
      }
      i++;
      if (b[i] == ':') {
        if (gap >= 0) {
          return false;
        }
        gap = n;
        i++;
        if (i == to) {
          break;
        }
      }
    }
    if (gap < 0) {
      return n == 8;
    }
    if (n > 7) {
      return false;
    }
    int tail = n - gap;
    for (int k = tail - 1; k >= 0; k--) {
      g[8 - tail + k] = g[gap + k];
    }
    for (int k = gap; k < 8 - tail; k++) {
      g[k] = 0;
    }
    return true;
  }

  /** Compresses the longest run of two or more zero groups (the first, if tied). */
  private void appendRfc5952(int[] g) {
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out[len++] = ':';
        out[len++] = ':';
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i != bestStart + bestLen) {
        out[len++] = ':';
      }
      appendHex(g[i]);
    }
  }

  private void appendHex(int v) {
    boolean started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int d = (v >>> shift) & 0xf;
      if (d != 0 || started || shift == 0) {
        out[len++] = (byte) Character.forDigit(d, 16);
        started = true;
      }
    }
  }

  private void appendDottedQuad(int v) {
    appendDecimal((v >>> 24) & 0xff);
    out[len++] = '.';
    appendDecimal((v >>> 16) & 0xff);
    out[len++] = '.';
    appendDecimal((v >>> 8) & 0xff);
    out[len++] = '.';
    appendDecimal(v & 0xff);
  }

  private void appendDecimal(int v) {
    if (v >= 10) {
      appendDecimal(v / 10);
    }
    out[len++] = (byte) ('0' + v % 10);
  }

  private void appendAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      out[len++] = (byte) s.charAt(i);
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int from, int to, byte c) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
