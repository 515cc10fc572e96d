package io.sockwatch.kernel.sockdiag;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns INET_DIAG_CONG payloads into strings, handing out the same String for the same name. A host
 * runs one or two algorithms, so a million sockets share a handful of strings instead of carrying a
 * million copies. The cache is bounded so that hostile input cannot grow it.
 */
final class CongestionNames {

  private static final int CAPACITY = 8;

  private final byte[][] keys = new byte[CAPACITY][];
  private final String[] names = new String[CAPACITY];
  private int size;

  /**
   * The name held in {@code length} bytes at {@code offset}: up to the first NUL, or the whole
   * payload if it has none. Returns "" for an empty name.
   */
  String intern(byte[] buf, int offset, int length) {
    int n = 0;
    while (n < length && buf[offset + n] != 0) {
      n++;
    }
    if (n == 0) {
      return "";
    }
    for (int i = 0; i < size; i++) {
      byte[] k = keys[i];
      if (Arrays.equals(k, 0, k.length, buf, offset, offset + n)) {
        return names[i];
      }
    }
    String name = new String(buf, offset, n, StandardCharsets.ISO_8859_1);
    if (size < CAPACITY) {
      keys[size] = Arrays.copyOfRange(buf, offset, offset + n);
      names[size++] = name;
    }
    return name;
  }
}
