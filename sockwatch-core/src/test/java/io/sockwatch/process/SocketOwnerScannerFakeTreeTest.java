package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ScanCounts;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.process.SocketOwnerScanner.Walker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs both descriptor walkers over a fake {@code proc} tree of real symlinks (readlink returns
 * their text just as for {@code /proc/<pid>/fd} links), covering what a live host only shows by
 * chance: shared sockets, dup'ed descriptors, non-socket links, malformed links, processes that
 * vanish, entries that are not processes.
 */
class SocketOwnerScannerFakeTreeTest {

  @TempDir Path root;

  static Stream<Arguments> walkers() {
    return Stream.of(
        Arguments.of(Walker.NATIVE, 1),
        Arguments.of(Walker.NATIVE, 3),
        Arguments.of(Walker.NIO, 1),
        Arguments.of(Walker.NIO, 3));
  }

  private Path proc(String name) throws IOException {
    return Files.createDirectories(root.resolve("proc").resolve(name));
  }

  private static void fd(Path pidDir, int fd, String target) throws IOException {
    Path fdDir = Files.createDirectories(pidDir.resolve("fd"));
    Files.createSymbolicLink(fdDir.resolve(Integer.toString(fd)), Path.of(target));
  }

  private static void info(Path pidDir, String comm, byte[] cmdline) throws IOException {
    Files.writeString(pidDir.resolve("comm"), comm + "\n");
    Files.write(pidDir.resolve("cmdline"), cmdline);
  }

  /**
   * An absolute path like the {@code /dev/null} a real fd link shows, but inside the temp dir, so
   * JUnit's cleanup does not warn about links pointing out of it.
   */
  private String devNull() {
    return root.resolve("dev").resolve("null").toString();
  }

  private void buildTree() throws IOException {
    Path server = proc("100");
    fd(server, 0, "socket:[1001]");
    fd(server, 1, "socket:[1002]");
    fd(server, 2, "pipe:[9]");
    fd(server, 3, devNull());
    fd(server, 4, "socket:[abc]");
    fd(server, 5, "socket:[1001]");
    fd(server, 6, "anon_inode:[eventpoll]");
    info(server, "server", "server\0--port\08080\0".getBytes());
    Files.writeString(
        server.resolve("limits"),
        "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max open files            1024                 524288               files     \n");

    Path worker = proc("200");
    fd(worker, 3, "socket:[1001]");
    fd(worker, 17, "socket:[2001]");
    info(worker, "worker", new byte[0]);

    proc("300"); // exited: its directory lingers without fd/
    Path noSockets = proc("400");
    fd(noSockets, 0, devNull());
    fd(noSockets, 1, "pipe:[77]");
    info(noSockets, "quiet", "quiet\0".getBytes());
    Path goneBeforeComm = proc("500");
    fd(goneBeforeComm, 3, "socket:[5001]");

    Path self = proc("self");
    fd(self, 3, "socket:[9999]");
    Path leadingZero = proc("0123");
    fd(leadingZero, 3, "socket:[9998]");
    proc("net");
    Files.writeString(root.resolve("proc").resolve("600"), "a file, not a process");
  }

  @ParameterizedTest
  @MethodSource("walkers")
  void attributesSocketsAndSkipsEverythingElse(Walker walker, int threads) throws IOException {
    buildTree();
    SocketOwners owners =
        new SocketOwnerScanner(root, walker, threads, SocketOwners.MAX_DESCRIPTORS).scan();

    // Descriptors counted per process (all kinds); the limit only where a limits file exists.
    ProcessInfo server = new ProcessInfo(100, "server", "server --port 8080", 7, 1024);
    ProcessInfo worker = new ProcessInfo(200, "worker", "", 2, ProcessInfo.ABSENT);
    assertThat(owners.ownersOf(1001)).containsExactly(server, worker);
    assertThat(owners.ownersOf(1002)).containsExactly(server);
    assertThat(owners.ownersOf(2001)).containsExactly(worker);
    assertThat(owners.ownersOf(5001)).as("process gone before its comm was read").isEmpty();
    assertThat(owners.ownersOf(9999)).as("non-numeric proc entry").isEmpty();
    assertThat(owners.ownersOf(9998)).as("leading-zero proc entry").isEmpty();
    assertThat(owners.socketCount()).isEqualTo(3);
    assertThat(owners.processCount()).isEqualTo(2);
    assertThat(owners.process(100)).isEqualTo(server);
    assertThat(owners.process(400)).as("holds no socket").isNull();
    assertThat(owners.unavailable()).isEmpty();
    // pids 100..600 are processes; 300 (no fd/), 500 (no comm) and 600 (a file) vanished.
    // Descriptors read: 7 of 100, 2 of 200, 2 of 400, 1 of 500.
    assertThat(owners.counts()).isEqualTo(new ScanCounts(6, 0, 3, 0, 12, 0));
  }

  /**
   * Every other test would still pass through the NIO fallback if the FFM downcalls stopped
   * linking, so this one pins down that they link on the Linux x86-64 machines the project runs on.
   */
  @Test
  void autoPicksTheNativeWalkerWhereItLinks() {
    assertThat(NativeProcFs.unavailableReason()).isNull();
    assertThat(new SocketOwnerScanner(root).walkerName()).isEqualTo("native");
  }

  @ParameterizedTest
  @MethodSource("walkers")
  void missingProcIsReportedNotThrown(Walker walker, int threads) {
    SocketOwners owners =
        new SocketOwnerScanner(root, walker, threads, SocketOwners.MAX_DESCRIPTORS).scan();
    assertThat(owners.socketCount()).isZero();
    assertThat(owners.unavailable())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.item()).isEqualTo(SocketOwnerScanner.ITEM);
              assertThat(u.reason())
                  .isEqualTo("cannot read " + root.resolve("proc") + ": no such directory");
            });
  }

  @ParameterizedTest
  @MethodSource("walkers")
  void emptyProcGivesAnEmptyCompleteResult(Walker walker, int threads) throws IOException {
    Files.createDirectories(root.resolve("proc"));
    SocketOwners owners =
        new SocketOwnerScanner(root, walker, threads, SocketOwners.MAX_DESCRIPTORS).scan();
    assertThat(owners.socketCount()).isZero();
    assertThat(owners.unavailable()).isEmpty();
    assertThat(owners.counts()).isEqualTo(ScanCounts.NONE);
  }

  @ParameterizedTest
  @MethodSource("walkers")
  void stopsAtTheDescriptorCapAndSaysSo(Walker walker, int threads) throws IOException {
    for (int pid = 1; pid <= 20; pid++) {
      Path dir = proc(Integer.toString(pid));
      fd(dir, 3, "socket:[" + (1000 + pid) + "]");
      fd(dir, 4, "socket:[" + (2000 + pid) + "]");
      info(dir, "p" + pid, new byte[0]);
    }
    SocketOwners owners = new SocketOwnerScanner(root, walker, threads, 5).scan();
    assertThat(owners.socketCount()).isEqualTo(5);
    assertThat(owners.unavailable())
        .singleElement()
        .satisfies(u -> assertThat(u.reason()).startsWith("incomplete: stopped at the limit of 5"));
    List<Integer> attributed =
        java.util.stream.IntStream.rangeClosed(1, 20)
            .filter(pid -> !owners.ownersOf(1000 + pid).isEmpty())
            .boxed()
            .toList();
    assertThat(attributed).isNotEmpty();
  }
}
