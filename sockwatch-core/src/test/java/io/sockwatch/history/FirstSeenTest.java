package io.sockwatch.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FirstSeenTest {

  private static final long T0 = 1_790_000_000L;

  @Test
  void agesAndNewCookiesAcrossScans() {
    FirstSeen seen = new FirstSeen(100);
    ScanDelta d1 = seen.update(new long[] {11, 12, 13}, 3, T0);
    assertThat(d1.newCookies()).containsExactly(11, 12, 13);
    ScanDelta d2 = seen.update(new long[] {12, 13, 14, 14}, 4, T0 + 5);
    assertThat(d2.newCookies()).containsExactly(14);
    assertThat(d2.removed()).isEqualTo(1);
    assertThat(d2.live()).isEqualTo(3);
    assertThat(seen.age(12, T0 + 7)).isEqualTo(7);
    assertThat(seen.age(14, T0 + 7)).isEqualTo(2);
    assertThat(seen.firstSeen(11)).isEqualTo(FirstSeen.ABSENT);
    assertThat(seen.age(11, T0 + 7)).isEqualTo(FirstSeen.ABSENT);
  }

  @Test
  void aCookieThatComesBackAfterVanishingIsNewAgain() {
    FirstSeen seen = new FirstSeen(100);
    seen.update(new long[] {7}, 1, T0);
    seen.update(new long[0], 0, T0 + 1);
    assertThat(seen.size()).isZero();
    assertThat(seen.update(new long[] {7}, 1, T0 + 2).newCookies()).containsExactly(7);
    assertThat(seen.firstSeen(7)).isEqualTo(T0 + 2);
  }

  @Test
  void cookieZeroMeansNoCookieAndIsIgnored() {
    FirstSeen seen = new FirstSeen(100);
    assertThat(seen.update(new long[] {0, 0, 5}, 3, T0).newCookies()).containsExactly(5);
    assertThat(seen.firstSeen(0)).isEqualTo(FirstSeen.ABSENT);
  }

  @Test
  void capacityRefusesAndCounts() {
    FirstSeen seen = new FirstSeen(3);
    ScanDelta d = seen.update(new long[] {1, 2, 3, 4, 5}, 5, T0);
    assertThat(d.live()).isEqualTo(3);
    assertThat(d.refused()).isEqualTo(2);
    assertThatThrownBy(() -> seen.update(new long[1], 2, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matchesAHashMapReferenceOverRandomChurnAndShrinksWhenSocketsClose() {
    long seed = System.nanoTime();
    System.out.println("FirstSeenTest seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    FirstSeen seen = new FirstSeen(1_000_000);
    Map<Long, Long> reference = new HashMap<>();
    long next = 1;
    long[] live = new long[0];
    for (int scan = 0; scan < 200; scan++) {
      long now = T0 + scan;
      int target = scan < 150 ? random.nextInt(5000) : random.nextInt(20);
      long[] cookies = new long[target];
      int n = 0;
      for (long c : live) {
        if (n < target && random.nextInt(10) != 0) {
          cookies[n++] = c;
        }
      }
      while (n < target) {
        cookies[n++] = next++;
      }
      Set<Long> expectedNew = new HashSet<>();
      Map<Long, Long> after = new HashMap<>();
      for (int i = 0; i < n; i++) {
        Long first = reference.get(cookies[i]);
        if (first == null) {
          expectedNew.add(cookies[i]);
        }
        after.put(cookies[i], first == null ? now : first);
      }
      ScanDelta d = seen.update(cookies, n, now);
      Set<Long> actualNew = new HashSet<>();
      for (long c : d.newCookies()) {
        actualNew.add(c);
      }
      assertThat(actualNew).isEqualTo(expectedNew);
      assertThat(d.live()).isEqualTo(after.size());
      assertThat(d.removed()).isEqualTo(reference.size() - (after.size() - expectedNew.size()));
      for (Map.Entry<Long, Long> e : after.entrySet()) {
        assertThat(seen.firstSeen(e.getKey())).isEqualTo(e.getValue());
      }
      for (Long gone : reference.keySet()) {
        if (!after.containsKey(gone)) {
          assertThat(seen.firstSeen(gone)).isEqualTo(FirstSeen.ABSENT);
        }
      }
      reference = after;
      live = java.util.Arrays.copyOf(cookies, n);
    }
    // After the last 50 small scans the table is back to a few KB.
    // At most 17 slots of 64 bytes plus the header: the bound is reachable (a random last scan of
    // up to 19 sockets can leave exactly that table), so it is inclusive.
    assertThat(seen.memoryBytes()).isLessThanOrEqualTo(17L * 64 + 48);
  }

  @Test
  void oneMillionLiveSockets() {
    int n = 1_000_000;
    long[] cookies = new long[n];
    for (int i = 0; i < n; i++) {
      cookies[i] = 0x1000_0000L + i;
    }
    FirstSeen seen = new FirstSeen(FirstSeen.DEFAULT_CAPACITY);
    long start = System.nanoTime();
    ScanDelta first = seen.update(cookies, n, T0);
    long firstMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(first.newCookies()).hasSize(n);
    long best = Long.MAX_VALUE;
    for (int scan = 1; scan <= 5; scan++) {
      // 1% churn per scan: 10,000 sockets close and as many open.
      for (int i = 0; i < 10_000; i++) {
        cookies[(scan * 10_000 + i) % n] = 0x2000_0000L + scan * 10_000L + i;
      }
      long t = System.nanoTime();
      ScanDelta d = seen.update(cookies, n, T0 + scan);
      best = Math.min(best, System.nanoTime() - t);
      assertThat(d.newCookies()).hasSize(10_000);
      assertThat(d.removed()).isEqualTo(10_000);
      assertThat(d.live()).isEqualTo(n);
    }
    System.out.printf(
        "FirstSeen 1M cookies: first update %d ms, steady update (1%% churn) best %d ms, %d"
            + " bytes%n",
        firstMillis, best / 1_000_000, seen.memoryBytes());
    assertThat(seen.memoryBytes()).isEqualTo(48 + 17L * (1 << 21));
    assertThat(seen.age(0x1000_0000L + 999_999, T0 + 5)).isEqualTo(5);
  }
}
