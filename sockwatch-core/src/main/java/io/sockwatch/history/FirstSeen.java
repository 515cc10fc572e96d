package io.sockwatch.history;

import java.util.Arrays;

/**
 * First-seen second of every live socket, keyed by its kernel cookie, so the agent can show socket
 * ages and count new connections per scan. An open-addressing table of primitive arrays (no boxing:
 * a boxed HashMap would cost ~80 bytes per socket, this costs 17 bytes per slot) with linear
 * probing. Each update marks the cookies of the scan with the scan's generation and then removes
 * every cookie not marked, so memory follows the live socket table; the table shrinks again when
 * most sockets close. Capped at {@code capacity} live cookies; new cookies beyond it are refused
 * and counted. Cookie 0 means "no cookie" (the /proc source has none) and is ignored. Not
 * thread-safe.
 */
public final class FirstSeen {

  /** Value returned by {@link #firstSeen} for an unknown cookie. */
  public static final long ABSENT = -1;

  /** Default cap: 2M live sockets, about 70 MB of table at its largest. */
  public static final int DEFAULT_CAPACITY = 2_000_000;

  private static final int MIN_SLOTS = 16;
  private static final byte EMPTY = 0;
  private static final byte DELETED = 1;
  private static final byte MARK_A = 2;
  private static final byte MARK_B = 3;

  private final int capacity;
  private long[] keys;
  private long[] seen;
  private byte[] state;
  private int live;
  private int used;
  private byte mark = MARK_A;

  public FirstSeen(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative");
    }
    this.capacity = capacity;
    allocate(MIN_SLOTS);
  }

  /**
   * Applies one scan taken at nowEpochSecond: the first n cookies are the live sockets (duplicates
   * are harmless). Cookies not in this scan are forgotten.
   *
   * @throws IllegalArgumentException if n is negative or exceeds the array, or nowEpochSecond is
   *     negative (a negative second would be indistinguishable from {@link #ABSENT})
   */
  public ScanDelta update(long[] cookies, int n, long nowEpochSecond) {
    if (n < 0 || n > cookies.length) {
      throw new IllegalArgumentException("n out of range: " + n);
    }
    if (nowEpochSecond < 0) {
      throw new IllegalArgumentException("negative epoch second: " + nowEpochSecond);
    }
    byte previous = mark;
    mark = mark == MARK_A ? MARK_B : MARK_A;
    long[] fresh = new long[16];
    int freshCount = 0;
    int refused = 0;
    for (int c = 0; c < n; c++) {
      long cookie = cookies[c];
      if (cookie == 0) {
        continue;
      }
      int slot = find(cookie);
      if (slot >= 0) {
        state[slot] = mark;
        continue;
      }
      if (live >= capacity) {
        refused++;
        continue;
      }
      if ((used + 1) * 4L > keys.length * 3L) {
        rehash(slotsFor(live + 1));
      }
      insert(cookie, nowEpochSecond, mark);
      if (freshCount == fresh.length) {
        fresh = Arrays.copyOf(fresh, freshCount * 2);
      }
      fresh[freshCount++] = cookie;
    }
    int removed = 0;
    for (int i = 0; i < state.length; i++) {
      if (state[i] == previous) {
        state[i] = DELETED;
        live--;
        removed++;
      }
    }
    if (keys.length > MIN_SLOTS && live * 8L < keys.length) {
      rehash(slotsFor(live));
    }
    return new ScanDelta(Arrays.copyOf(fresh, freshCount), removed, live, refused);
  }

  /** First-seen epoch second of cookie, {@link #ABSENT} when it is not live. */
  public long firstSeen(long cookie) {
    int slot = cookie == 0 ? -1 : find(cookie);
    return slot < 0 ? ABSENT : seen[slot];
  }

  /** Seconds cookie has been seen at nowEpochSecond, {@link #ABSENT} when it is not live. */
  public long age(long cookie, long nowEpochSecond) {
    long first = firstSeen(cookie);
    return first == ABSENT ? ABSENT : nowEpochSecond - first;
  }

  /** Cookies tracked now. */
  public int size() {
    return live;
  }

  /** Exact bytes of the three arrays (16-byte headers included). */
  public long memoryBytes() {
    return 3 * 16L + 17L * keys.length;
  }

  /** Table size for count live cookies: a power of two at most half full. */
  private static int slotsFor(int count) {
    long want = Math.max(MIN_SLOTS, 2L * count);
    return (int) Math.min(1L << 30, Long.highestOneBit(want - 1) << 1);
  }

  private void allocate(int slots) {
    keys = new long[slots];
    seen = new long[slots];
    state = new byte[slots];
    used = 0;
    live = 0;
  }

  private void rehash(int slots) {
    long[] oldKeys = keys;
    long[] oldSeen = seen;
    byte[] oldState = state;
    allocate(slots);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldState[i] > DELETED) {
        insert(oldKeys[i], oldSeen[i], oldState[i]);
      }
    }
  }

  private void insert(long cookie, long second, byte stateMark) {
    int m = keys.length - 1;
    int i = hash(cookie) & m;
    while (state[i] != EMPTY) {
      i = (i + 1) & m;
    }
    keys[i] = cookie;
    seen[i] = second;
    state[i] = stateMark;
    live++;
    used++;
  }

  private int find(long cookie) {
    int m = keys.length - 1;
    int i = hash(cookie) & m;
    while (state[i] != EMPTY) {
      if (state[i] != DELETED && keys[i] == cookie) {
        return i;
      }
      i = (i + 1) & m;
    }
    return -1;
  }

  /** Cookies are sequential kernel counters: mix all bits so neighbours spread over the table. */
  private static int hash(long cookie) {
    long h = cookie * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
