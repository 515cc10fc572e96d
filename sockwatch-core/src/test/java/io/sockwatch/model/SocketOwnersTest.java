package io.sockwatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SocketOwnersTest {

  private static final ProcessInfo P10 = new ProcessInfo(10, "a", "a --x");
  private static final ProcessInfo P20 = new ProcessInfo(20, "b", "b");
  private static final ProcessInfo P30 = new ProcessInfo(30, "c", "");

  @Test
  void emptyHasNothing() {
    assertThat(SocketOwners.EMPTY.socketCount()).isZero();
    assertThat(SocketOwners.EMPTY.processCount()).isZero();
    assertThat(SocketOwners.EMPTY.ownersOf(1)).isEmpty();
    assertThat(SocketOwners.EMPTY.process(1)).isNull();
    assertThat(SocketOwners.EMPTY.unavailable()).isEmpty();
    assertThat(SocketOwners.EMPTY.counts()).isEqualTo(ScanCounts.NONE);
  }

  @Test
  void singleAndSharedOwnersInPidOrder() {
    var b = new SocketOwners.Builder(List.of(P30, P10, P20), 6, SocketOwners.MAX_DESCRIPTORS);
    b.add(100, 10);
    b.add(200, 30);
    b.add(200, 10);
    b.add(200, 20);
    b.add(200, 30);
    b.add(100, 10);
    SocketOwners owners = b.build(ScanCounts.NONE, List.of());

    assertThat(owners.ownersOf(100)).containsExactly(P10);
    assertThat(owners.ownersOf(200)).containsExactly(P10, P20, P30);
    assertThat(owners.ownersOf(300)).isEmpty();
    assertThat(owners.ownersOf(0)).isEmpty();
    assertThat(owners.socketCount()).isEqualTo(2);
    assertThat(owners.processCount()).isEqualTo(3);
    assertThat(owners.process(20)).isEqualTo(P20);
    assertThat(owners.process(21)).isNull();
    assertThat(b.truncated()).isFalse();
  }

  @Test
  void refusesPairsPastTheCapAndSaysSo() {
    var b = new SocketOwners.Builder(List.of(P10), 5, 3);
    assertThat(b.add(1, 10)).isTrue();
    assertThat(b.add(2, 10)).isTrue();
    assertThat(b.add(3, 10)).isTrue();
    assertThat(b.add(4, 10)).isFalse();
    assertThat(b.truncated()).isTrue();
    SocketOwners owners = b.build(ScanCounts.NONE, List.of(new Unavailable("x", "y")));
    assertThat(owners.socketCount()).isEqualTo(3);
    assertThat(owners.ownersOf(4)).isEmpty();
    assertThat(owners.unavailable()).containsExactly(new Unavailable("x", "y"));
  }

  @Test
  void rejectsBadInput() {
    var b = new SocketOwners.Builder(List.of(P10), 1, 10);
    assertThatThrownBy(() -> b.add(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.add(5, 11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new SocketOwners.Builder(List.of(P10, P10), 1, SocketOwners.MAX_DESCRIPTORS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SocketOwners.Builder(List.of(), 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Agrees with a plain HashMap on a large random population with sequential-ish inodes. */
  @Test
  void matchesAReferenceMapAtScale() {
    Random random = new Random(42);
    List<ProcessInfo> processes = new ArrayList<>();
    for (int pid = 1; pid <= 500; pid++) {
      processes.add(new ProcessInfo(pid, "p" + pid, ""));
    }
    int pairs = 300_000;
    var b = new SocketOwners.Builder(processes, pairs, SocketOwners.MAX_DESCRIPTORS);
    Map<Long, TreeSet<Integer>> reference = new HashMap<>();
    long base = 4_000_000_000L;
    for (int i = 0; i < pairs; i++) {
      long inode = base + random.nextInt(250_000);
      int pid = 1 + random.nextInt(i % 50 == 0 ? 500 : 3);
      assertThat(b.add(inode, pid)).isTrue();
      reference.computeIfAbsent(inode, k -> new TreeSet<>()).add(pid);
    }
    SocketOwners owners = b.build(ScanCounts.NONE, List.of());
    assertThat(owners.socketCount()).isEqualTo(reference.size());
    for (long inode = base - 10; inode < base + 250_010; inode++) {
      TreeSet<Integer> expected = reference.getOrDefault(inode, new TreeSet<>());
      assertThat(owners.ownersOf(inode).stream().map(ProcessInfo::pid).toList())
          .as("inode %d", inode)
          .containsExactlyElementsOf(expected);
    }
  }
}
