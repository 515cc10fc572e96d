package io.sockwatch.model;

/**
 * An IPv4 or IPv6 address held as two longs, so that a table of a million sockets does not carry a
 * million {@code InetAddress} objects and comparisons are cheap.
 *
 * <p>IPv4 addresses keep the 32-bit value in {@code lo} (network order read as an unsigned number,
 * so 127.0.0.1 is {@code 0x7f000001}) and {@code hi == 0}. IPv6 addresses keep the first eight
 * bytes in {@code hi} and the last eight in {@code lo}, both big-endian.
 *
 * @param hi first eight bytes of an IPv6 address; 0 for IPv4
 * @param lo last eight bytes of an IPv6 address, or the IPv4 address
 * @param v6 whether this is an IPv6 address
 */
public record IpAddress(long hi, long lo, boolean v6) implements Comparable<IpAddress> {

  public static final IpAddress V4_ANY = new IpAddress(0, 0, false);
  public static final IpAddress V6_ANY = new IpAddress(0, 0, true);

  public IpAddress {
    if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
      throw new IllegalArgumentException("IPv4 address out of range");
    }
  }

  /** An IPv4 address from its 32-bit value in network order (127.0.0.1 is 0x7f000001). */
  public static IpAddress ofV4(int address) {
    return new IpAddress(0, address & 0xffffffffL, false);
  }

  public static IpAddress ofV6(long hi, long lo) {
    return new IpAddress(hi, lo, true);
  }

  /** An address from 4 or 16 raw bytes in network order. */
  public static IpAddress ofBytes(byte[] b) {
    if (b.length == 4) {
      return ofV4(
          ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
    }
    if (b.length == 16) {
      long h = 0;
      long l = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (b[i] & 0xff);
        l = (l << 8) | (b[i + 8] & 0xff);
      }
      return ofV6(h, l);
    }
    throw new IllegalArgumentException("address must have 4 or 16 bytes, not " + b.length);
  }

  /**
   * Parses a literal address ({@code 10.0.0.1}, {@code ::1}, {@code ::ffff:127.0.0.1}, with or
   * without brackets). Never resolves names.
   *
   * @throws IllegalArgumentException with a readable message when the text is not an address
   */
  public static IpAddress parse(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int pct = t.indexOf('%');
    if (pct >= 0) {
      t = t.substring(0, pct);
    }
    if (t.indexOf(':') < 0) {
      int v = parseV4(t, text);
      return ofV4(v);
    }
    return parseV6(t, text);
  }

  private static int parseV4(String t, String original) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IP address: " + original);
    }
    int v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
      int n = Integer.parseInt(p);
      if (n > 255) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
      v = (v << 8) | n;
    }
    return v;
  }

  private static IpAddress parseV6(String t, String original) {
    int[] groups = new int[8];
    int dbl = t.indexOf("::");
    if (dbl >= 0 && t.indexOf("::", dbl + 1) >= 0) {
      throw new IllegalArgumentException("not an IP address: " + original);
    }
    String head = dbl >= 0 ? t.substring(0, dbl) : t;
    String tail = dbl >= 0 ? t.substring(dbl + 2) : "";
    int[] h = v6Groups(head, original, true);
    int[] tl = v6Groups(tail, original, true);
    if (dbl < 0 && h.length != 8 || dbl >= 0 && h.length + tl.length > 7) {
      throw new IllegalArgumentException("not an IP address: " + original);
    }
    System.arraycopy(h, 0, groups, 0, h.length);
    System.arraycopy(tl, 0, groups, 8 - tl.length, tl.length);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | groups[i];
      lo = (lo << 16) | groups[i + 4];
    }
    return ofV6(hi, lo);
  }

  private static int[] v6Groups(String s, String original, boolean allowV4Tail) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    boolean v4Tail = allowV4Tail && parts[parts.length - 1].contains(".");
    int n = parts.length + (v4Tail ? 1 : 0);
    int[] out = new int[n];
    for (int i = 0; i < parts.length - (v4Tail ? 1 : 0); i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 4) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
      try {
        out[i] = Integer.parseInt(p, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an IP address: " + original);
      }
    }
    if (v4Tail) {
      int v = parseV4(parts[parts.length - 1], original);
      out[n - 2] = v >>> 16;
      out[n - 1] = v & 0xffff;
    }
    return out;
  }

  /** True for {@code ::ffff:a.b.c.d}, the form IPv4 peers take on dual-stack IPv6 sockets. */
  public boolean isV4Mapped() {
    return v6 && hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /** True for 0.0.0.0 and ::. */
  public boolean isAny() {
    return hi == 0 && lo == 0;
  }

  /** True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
  public boolean isLoopback() {
    if (!v6) {
      return (lo >>> 24) == 127;
    }
    return (hi == 0 && lo == 1) || (isV4Mapped() && ((lo >>> 24) & 0xff) == 127);
  }

  /** The address as 4 or 16 bytes in network order. */
  public byte[] toBytes() {
    if (!v6) {
      return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }

  /** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (as {@code ss} prints them). */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(v6 ? 40 : 15);
    appendTo(sb);
    return sb.toString();
  }

  /** Appends the canonical text without allocating an intermediate string. */
  public void appendTo(StringBuilder sb) {
    if (!v6) {
      appendV4(sb, (int) lo);
      return;
    }
    if (isV4Mapped()) {
      sb.append("::ffff:");
      appendV4(sb, (int) lo);
      return;
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
      g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
    }
    // RFC 5952: compress the longest run (of two or more) of zero groups, the first if tied.
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
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (i > 0 && i != bestStart + bestLen) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
  }

  private static void appendV4(StringBuilder sb, int v) {
    sb.append((v >>> 24) & 0xff)
        .append('.')
        .append((v >>> 16) & 0xff)
        .append('.')
        .append((v >>> 8) & 0xff)
        .append('.')
        .append(v & 0xff);
  }

  @Override
  public int compareTo(IpAddress o) {
    if (v6 != o.v6) {
      return v6 ? 1 : -1;
    }
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }
}
