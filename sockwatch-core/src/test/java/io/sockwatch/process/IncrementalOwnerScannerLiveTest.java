package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The incremental scanner on the live host, with the kernel's real descriptor counts: sockets this
 * JVM opens after the first read are attributed on the next one by reading this process again,
 * without a full walk.
 */
@Tag("live")
class IncrementalOwnerScannerLiveTest {

  private static final int SELF = (int) ProcessHandle.current().pid();

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  @Test
  void newSocketsOfAProcessWhoseCountChangedAreAttributedWithoutAFullWalk() throws Exception {
    assumeTrue(
        Files.size(Path.of("/proc/self/fd")) > 0,
        "this kernel does not report descriptor counts (before Linux 6.2)");
    long now = 1_000_000_000_000L; // a clock that stands still: no full walk is ever due
    IncrementalOwnerScanner scanner =
        new IncrementalOwnerScanner(
            new SocketOwnerScanner(
                Path.of("/"),
                Walker.AUTO,
                SocketOwnerScanner.DEFAULT_THREADS,
                SocketOwners.MAX_DESCRIPTORS),
            Path.of("/"),
            0.05,
            () -> now,
            System::nanoTime,
            null);
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeables.add(listener);
    Set<Long> before = ownSocketInodes();
    SocketOwners first = scanner.ownersFor(table(before));
    assertThat(scanner.fullWalks()).isEqualTo(1);
    assertThat(first.ownersOf(inodeOf(before))).extracting(ProcessInfo::pid).containsExactly(SELF);

    Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
    closeables.add(client);
    listener.setSoTimeout(10_000);
    closeables.add(listener.accept());
    Set<Long> added = ownSocketInodes();
    added.removeAll(before);
    assertThat(added).as("client and accepted socket").hasSizeGreaterThanOrEqualTo(2);

    Set<Long> all = ownSocketInodes();
    long readBefore = scanner.processesRead();
    SocketOwners second = scanner.ownersFor(table(all));
    long processes;
    try (var entries = Files.list(Path.of("/proc"))) {
      processes = entries.filter(p -> p.getFileName().toString().matches("[1-9][0-9]*")).count();
    }
    // This JVM and whatever else changed its descriptors meanwhile, not every process.
    assertThat(scanner.processesRead() - readBefore).isBetween(1L, processes / 2);

    assertThat(scanner.fullWalks())
        .as("the count changed: this process alone is read")
        .isEqualTo(1);
    for (long inode : added) {
      assertThat(second.ownersOf(inode)).extracting(ProcessInfo::pid).containsExactly(SELF);
    }
    assertThat(second.unavailable()).noneMatch(u -> u.reason().contains("not attributed yet"));
  }

  private static long inodeOf(Set<Long> inodes) {
    return inodes.iterator().next();
  }

  private static List<SocketRecord> table(Set<Long> inodes) {
    List<SocketRecord> out = new ArrayList<>();
    for (long inode : inodes) {
      out.add(
          new SocketRecord(
              AddressFamily.INET,
              TcpState.ESTABLISHED,
              IpAddress.ofV4(0x7f000001),
              40000,
              IpAddress.ofV4(0x7f000001),
              80,
              0,
              inode,
              SocketTimer.OFF,
              0,
              0,
              0,
              0,
              0,
              inode,
              TcpInfo.NONE,
              SkMemInfo.NONE,
              ""));
    }
    return out;
  }

  /** Socket inodes of this JVM's descriptors, read from /proc/self/fd directly. */
  private static Set<Long> ownSocketInodes() throws IOException {
    Set<Long> inodes = new TreeSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (NoSuchFileException e) {
          // closed meanwhile (the directory stream's own descriptor, for one)
        }
      }
    }
    return inodes;
  }
}
