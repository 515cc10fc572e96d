package io.sockwatch.kernel.sockdiag;

import io.sockwatch.model.SocketRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops sockets a dump reported twice. A sock_diag dump is not atomic: the kernel walks its hash
 * buckets over several receives and resumes by position within a bucket, so a socket inserted or
 * removed meanwhile (a TIME_WAIT expiring anywhere on the host) can shift the position and make the
 * next batch repeat a socket. Cookies are unique for a socket's life, so a repeated cookie is a
 * repeat. (A shift the other way skips a socket; nothing in a single dump can recover that.)
 */
final class Duplicates {
  private Duplicates() {}

  /** The sockets with repeated cookies removed, first occurrence kept; the same list if none. */
  static List<SocketRecord> removeFrom(List<SocketRecord> sockets) {
    int n = sockets.size();
    if (n < 2) {
      return sockets;
    }
    int capacity = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    long[] table = new long[capacity];
    boolean[] used = new boolean[capacity];
    int mask = capacity - 1;
    List<SocketRecord> out = null;
    for (int i = 0; i < n; i++) {
      SocketRecord s = sockets.get(i);
      long cookie = s.cookie();
      boolean repeat = false;
      if (cookie != SocketRecord.ABSENT) {
        int slot = (int) (mix(cookie) & mask);
        while (used[slot] && table[slot] != cookie) {
          slot = (slot + 1) & mask;
        }
        repeat = used[slot];
        used[slot] = true;
        table[slot] = cookie;
      }
      if (repeat && out == null) {
        out = new ArrayList<>(sockets.subList(0, i));
      } else if (!repeat && out != null) {
        out.add(s);
      }
    }
    return out == null ? sockets : out;
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    return x ^ (x >>> 33);
  }
}
