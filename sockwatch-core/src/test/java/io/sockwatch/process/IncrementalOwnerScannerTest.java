package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.process.SocketOwnerScanner.Walker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental scanner over a fake {@code proc} tree of real symlinks, with descriptor counts,
 * time and CPU given by the test: which processes it reads again, when it walks everything, and
 * what it says about sockets it has not attributed yet.
 */
class IncrementalOwnerScannerTest {

  /** Full walks may use 10% of a core; each "costs" 1 s of CPU, so one may come every 10 s. */
  private static final double SHARE = 0.10;

  private static final long WALK_CPU_NANOS = 1_000_000_000L;

  @TempDir Path root;

  private final Map<Integer, Long> fdCounts = new HashMap<>();
  private long nowNanos = 1_000_000_000_000L;
  private long cpuReadings;
  private IncrementalOwnerScanner scanner;

  @BeforeEach
  void tree() throws IOException {
    process(100, "server", 1001, 1002);
    process(200, "worker", 2001);
    SocketOwnerScanner walker =
        new SocketOwnerScanner(root, Walker.NIO, 2, SocketOwners.MAX_DESCRIPTORS);
    scanner =
        new IncrementalOwnerScanner(
            walker,
            root,
            SHARE,
            () -> nowNanos,
            // A full walk reads the CPU clock before and after: each reading is 1 s later.
            () -> ++cpuReadings * WALK_CPU_NANOS,
            pid -> fdCounts.getOrDefault(pid, -1L));
  }

  private SocketOwners read(long... tableInodes) {
    return scanner.ownersFor(table(tableInodes));
  }

  private void process(int pid, String comm, long... sockets) throws IOException {
    Path dir = Files.createDirectories(root.resolve("proc").resolve(Integer.toString(pid)));
    Path fd = Files.createDirectories(dir.resolve("fd"));
    try (var old = Files.list(fd)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    for (int i = 0; i < sockets.length; i++) {
      Files.createSymbolicLink(
          fd.resolve(Integer.toString(3 + i)), Path.of("socket:[" + sockets[i] + "]"));
    }
    Files.writeString(dir.resolve("comm"), comm + "\n");
    Files.write(dir.resolve("cmdline"), (comm + "\0").getBytes());
    fdCounts.put(pid, (long) sockets.length);
  }

  private void exit(int pid) throws IOException {
    Path dir = root.resolve("proc").resolve(Integer.toString(pid));
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
    fdCounts.remove(pid);
  }

  private void advanceSeconds(double s) {
    nowNanos += (long) (s * 1e9);
  }

  private static List<SocketRecord> table(long... inodes) {
    return Arrays.stream(inodes).mapToObj(IncrementalOwnerScannerTest::socket).toList();
  }

  private static SocketRecord socket(long inode) {
    return new SocketRecord(
        AddressFamily.INET,
        inode == 0 ? TcpState.TIME_WAIT : TcpState.ESTABLISHED,
        IpAddress.ofV4(0x7f000001),
        40000,
        IpAddress.ofV4(0x7f000001),
        80,
        0,
        inode + 1,
        SocketTimer.OFF,
        0,
        0,
        0,
        0,
        0,
        inode,
        TcpInfo.NONE,
        SkMemInfo.NONE,
        "");
  }

  private static int pidOf(SocketOwners owners, long inode) {
    List<ProcessInfo> who = owners.ownersOf(inode);
    return who.size() == 1 ? who.getFirst().pid() : -who.size();
  }

  @Test
  void firstReadWalksEverythingLikeTheFullScanner() {
    SocketOwners owners = read(1001, 1002, 2001, 0);

    SocketOwners full =
        new SocketOwnerScanner(root, Walker.NIO, 1, SocketOwners.MAX_DESCRIPTORS).scan();
    assertThat(scanner.fullWalks()).isEqualTo(1);
    for (long inode : new long[] {1001, 1002, 2001}) {
      assertThat(owners.ownersOf(inode)).isEqualTo(full.ownersOf(inode));
    }
    assertThat(owners.socketCount()).isEqualTo(3);
    assertThat(owners.unavailable()).isEqualTo(full.unavailable()).isEmpty();
  }

  @Test
  void readsAgainOnlyTheProcessWhoseDescriptorCountChanged() throws IOException {
    read(1001, 1002, 2001);
    long before = scanner.processesRead();
    advanceSeconds(1);
    process(200, "worker", 2001, 2002); // one more descriptor

    SocketOwners owners = read(1001, 1002, 2001, 2002);

    assertThat(scanner.fullWalks()).as("no full walk needed").isEqualTo(1);
    assertThat(scanner.processesRead() - before).as("only pid 200 read again").isEqualTo(1);
    assertThat(pidOf(owners, 2002)).isEqualTo(200);
    assertThat(pidOf(owners, 1001)).isEqualTo(100);
    assertThat(owners.process(200).openFiles()).isEqualTo(2);
    assertThat(owners.unavailable()).isEmpty();
  }

  @Test
  void aSwapThatKeepsTheCountWaitsForTheNextPacedFullWalkAndSaysSo() throws IOException {
    read(1001, 1002, 2001);
    advanceSeconds(1);
    process(200, "worker", 2002); // closed 2001, opened 2002: same count

    SocketOwners owners = read(1001, 1002, 2002);

    assertThat(scanner.fullWalks()).as("1 s of CPU at 10%: next walk after 10 s").isEqualTo(1);
    assertThat(owners.ownersOf(2002)).isEmpty();
    assertThat(owners.unavailable())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.item()).isEqualTo(SocketOwnerScanner.ITEM);
              assertThat(u.reason()).startsWith("1 sockets not attributed yet");
            });

    advanceSeconds(9.5); // 10.5 s after the walk
    SocketOwners later = read(1001, 1002, 2002);
    assertThat(scanner.fullWalks()).isEqualTo(2);
    assertThat(pidOf(later, 2002)).isEqualTo(200);
    assertThat(later.ownersOf(2001)).isEmpty();
    assertThat(later.unavailable()).isEmpty();
  }

  @Test
  void newProcessesAreReadAndExitedOnesForgotten() throws IOException {
    read(1001, 1002, 2001);
    advanceSeconds(1);
    exit(200);
    process(300, "client", 3001);

    SocketOwners owners = read(1001, 1002, 3001);

    assertThat(scanner.fullWalks()).isEqualTo(1);
    assertThat(pidOf(owners, 3001)).isEqualTo(300);
    assertThat(owners.ownersOf(2001)).isEmpty();
    assertThat(owners.process(200)).isNull();
    assertThat(owners.processCount()).isEqualTo(2);
  }

  @Test
  void socketsNoProcessHoldsAtAFullWalkDoNotBringMoreWalks() {
    // 7007 has an inode but no readable owner (another user's, or its process exited).
    read(1001, 1002, 2001, 7007);
    advanceSeconds(30);

    SocketOwners owners = read(1001, 1002, 2001, 7007);

    assertThat(scanner.fullWalks()).isEqualTo(1);
    assertThat(owners.ownersOf(7007)).isEmpty();
    assertThat(owners.unavailable()).isEmpty();
  }

  @Test
  void walksEverythingAgainOnceAMinuteWhenThePaceAllows() throws IOException {
    read(1001, 1002, 2001);
    Files.writeString(root.resolve("proc/100/comm"), "renamed\n"); // invisible to a count
    advanceSeconds(59);
    assertThat(read(1001, 1002, 2001).process(100).comm()).isEqualTo("server");
    assertThat(scanner.fullWalks()).isEqualTo(1);

    advanceSeconds(1);
    SocketOwners owners = read(1001, 1002, 2001);

    assertThat(scanner.fullWalks()).isEqualTo(2);
    assertThat(owners.process(100).comm()).isEqualTo("renamed");
  }

  @Test
  void withoutDescriptorCountsEveryProcessIsReadEveryTime() throws IOException {
    fdCounts.replaceAll((pid, n) -> 0L); // a kernel before 6.2: every size is 0
    read(1001, 1002, 2001);
    long before = scanner.processesRead();
    advanceSeconds(1);
    process(200, "worker", 2002); // a swap that a count could not have shown anyway
    fdCounts.replaceAll((pid, n) -> 0L);

    SocketOwners owners = read(1001, 1002, 2002);

    assertThat(scanner.processesRead() - before).isEqualTo(2);
    assertThat(pidOf(owners, 2002)).isEqualTo(200);
    assertThat(owners.unavailable()).isEmpty();
  }

  @Test
  void processesWithoutDescriptorsAreNotReadAgainWhereCountsAreReported() throws IOException {
    Files.createDirectories(root.resolve("proc/2/fd")); // a kernel thread: no descriptors
    Files.writeString(root.resolve("proc/2/comm"), "kthreadd\n");
    fdCounts.put(2, 0L);
    read(1001, 1002, 2001);
    long before = scanner.processesRead();
    advanceSeconds(1);

    read(1001, 1002, 2001);

    assertThat(scanner.processesRead() - before).isZero();
  }

  @Test
  void refusesAShareOutsideZeroToOne() {
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> new IncrementalOwnerScanner(root, bad, () -> 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
