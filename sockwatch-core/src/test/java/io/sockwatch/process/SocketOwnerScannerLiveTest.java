package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.Unavailable;
import io.sockwatch.process.SocketOwnerScanner.Walker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attribution of real loopback sockets on the live host, checked against {@code ss -tanpe} (which
 * finds owners the same way, independently) and against {@code /proc/self/fd} read directly. Needs
 * root to see other processes' descriptors, as the lead's test script runs it.
 */
@Tag("live")
class SocketOwnerScannerLiveTest {

  private static final int SELF = (int) ProcessHandle.current().pid();
  private static final String LOOPBACK = "127.0.0.1";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Long> startedPids = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (long pid : startedPids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (long pid : startedPids) {
      ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
  }

  private static SocketOwners scan(Walker walker) {
    return new SocketOwnerScanner(
            Path.of("/"), walker, SocketOwnerScanner.DEFAULT_THREADS, SocketOwners.MAX_DESCRIPTORS)
        .scan();
  }

  private static Set<Integer> pids(List<ProcessInfo> owners) {
    return owners.stream().map(ProcessInfo::pid).collect(Collectors.toCollection(TreeSet::new));
  }

  private ServerSocket listen() throws IOException {
    ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
    closeables.add(listener);
    return listener;
  }

  @ParameterizedTest
  @EnumSource(
      value = Walker.class,
      names = {"NATIVE", "NIO"})
  void ownSocketsBelongToThisJvmAsSsAndProcSelfSay(Walker walker) throws Exception {
    ServerSocket listener = listen();
    int port = listener.getLocalPort();
    Socket client = new Socket(LOOPBACK, port);
    closeables.add(client);
    listener.setSoTimeout(10_000);
    closeables.add(listener.accept());

    SocketOwners owners = scan(walker);
    List<SsOwners.Row> rows = SsOwners.rows("( sport = :" + port + " or dport = :" + port + " )");

    List<SsOwners.Row> ours = touching(rows, LOOPBACK + ":" + port);
    assertThat(ours)
        .extracting(SsOwners.Row::state)
        .containsExactlyInAnyOrder("LISTEN", "ESTAB", "ESTAB");
    Set<Long> selfInodes = ownSocketInodes();
    String comm = Files.readString(Path.of("/proc/self/comm")).strip();
    for (SsOwners.Row row : ours) {
      assertThat(selfInodes).as("ss inode is one of /proc/self/fd's").contains(row.inode());
      assertThat(row.pids()).as("ss owners of %s", row).containsExactly(SELF);
      List<ProcessInfo> found = owners.ownersOf(row.inode());
      assertThat(pids(found)).as("our owners of %s", row).isEqualTo(row.pids());
      assertThat(found.getFirst().comm()).isEqualTo(comm);
      assertThat(found.getFirst().cmdline()).contains(" ");
    }
    assertThat(owners.process(SELF).comm()).isEqualTo(comm);
    assertThat(owners.socketCount()).isGreaterThanOrEqualTo(3);
    // Root reads every process, except any a security module hides even from root (the sandbox's
    // pid 1 here); such a partial result must say so in the documented words.
    for (Unavailable u : owners.unavailable()) {
      assertThat(u.item()).isEqualTo(SocketOwnerScanner.ITEM);
      assertThat(u.reason())
          .matches(
              "partial: \\d+ of \\d+ processes unreadable \\(permission denied\\); denied even to"
                  + " root, so a sandbox or security module hides them");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Walker.class,
      names = {"NATIVE", "NIO"})
  void childListenerAndSocketSharedAcrossForkAgreeWithSs(Walker walker) throws Exception {
    ServerSocket listener = listen();
    int port = listener.getLocalPort();

    // A child JVM that listens on its own port.
    Process child = startChild(javaCommand(ListenerChild.class));
    String[] childLine = readLine(child).split(" ");
    long childPid = Long.parseLong(childLine[0]);
    int childPort = Integer.parseInt(childLine[1]);
    assertThat(childPid).isEqualTo(child.pid());

    // A shell that connects to us and forks a sleep that inherits the connected socket (fd 3).
    Process shell =
        startChild(
            List.of(
                "bash",
                "-c",
                "exec 3<>/dev/tcp/"
                    + LOOPBACK
                    + "/"
                    + port
                    + " && { sleep 300 & echo $$ $!; read -r _; }"));
    String[] shellLine = readLine(shell).split(" ");
    long sleepPid = Long.parseLong(shellLine[1]);
    startedPids.add(sleepPid);
    listener.setSoTimeout(10_000);
    Socket accepted = listener.accept();
    closeables.add(accepted);
    int shellPort = accepted.getPort();
    // bash reports the child's pid right after fork; the child is "bash" until it execs sleep.
    awaitComm(sleepPid, "sleep");

    SocketOwners owners = scan(walker);
    List<SsOwners.Row> rows =
        SsOwners.rows(
            "( sport = :" + port + " or dport = :" + port + " or sport = :" + childPort + " )");

    SsOwners.Row childListener = single(at(rows, LOOPBACK + ":" + childPort), "LISTEN");
    assertThat(pids(owners.ownersOf(childListener.inode()))).containsExactly((int) childPid);
    assertThat(owners.ownersOf(childListener.inode()).getFirst().comm()).isEqualTo("java");
    assertThat(owners.process((int) childPid).cmdline()).contains(ListenerChild.class.getName());

    SsOwners.Row shared = single(at(rows, LOOPBACK + ":" + shellPort), "ESTAB");
    List<ProcessInfo> sharedOwners = owners.ownersOf(shared.inode());
    // Owners come in pid order, and pids wrap around: the child's may be the lower one.
    assertThat(sharedOwners)
        .extracting(ProcessInfo::pid, ProcessInfo::comm)
        .containsExactlyInAnyOrder(
            tuple((int) shell.pid(), "bash"), tuple((int) sleepPid, "sleep"));

    for (SsOwners.Row row : rows) {
      if (isOurs(row, port, childPort) && row.inode() != 0) {
        assertThat(pids(owners.ownersOf(row.inode())))
            .as("owners of %s", row)
            .isEqualTo(row.pids());
      }
    }
  }

  private static boolean isOurs(SsOwners.Row row, int... ports) {
    for (int port : ports) {
      if (!touching(List.of(row), LOOPBACK + ":" + port).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Rows with {@code endpoint} at either end. */
  private static List<SsOwners.Row> touching(List<SsOwners.Row> rows, String endpoint) {
    return rows.stream()
        .filter(r -> r.local().equals(endpoint) || r.peer().equals(endpoint))
        .toList();
  }

  /** Rows whose local end is {@code endpoint}. */
  private static List<SsOwners.Row> at(List<SsOwners.Row> rows, String endpoint) {
    return rows.stream().filter(r -> r.local().equals(endpoint)).toList();
  }

  private static SsOwners.Row single(List<SsOwners.Row> rows, String state) {
    List<SsOwners.Row> matching = rows.stream().filter(r -> r.state().equals(state)).toList();
    assertThat(matching).as("%s rows in %s", state, rows).hasSize(1);
    return matching.getFirst();
  }

  private Process startChild(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    startedPids.add(p.pid());
    closeables.add(p.getOutputStream());
    return p;
  }

  private static List<String> javaCommand(Class<?> main) throws Exception {
    Path classes = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1",
        "-cp",
        classes.toString(),
        main.getName());
  }

  /** The child's first stdout line, waiting at most 30 s for it. */
  private static String readLine(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(line).as("first line from child %d", p.pid()).isNotNull();
    return line;
  }

  private static Set<Long> ownSocketInodes() throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (NoSuchFileException e) {
          // The directory stream's own descriptor, closed by now.
        }
      }
    }
    return inodes;
  }

  /** Waits (bounded) until {@code /proc/<pid>/comm} reads {@code comm}. */
  private static void awaitComm(long pid, String comm) throws Exception {
    Path file = Path.of("/proc", Long.toString(pid), "comm");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!comm.equals(Files.readString(file, StandardCharsets.UTF_8).strip())) {
      assertThat(System.nanoTime()).as("pid %d to exec %s", pid, comm).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
