package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inventory over a recorded tree: ns links are symlinks to {@code net:[N]} text, named
 * namespaces plain files (their inode is the file's, as a mounted one's is the namespace's).
 */
class NetnsInventoryTest {

  @TempDir Path root;

  private void process(int pid, String link) throws IOException {
    Path ns = Files.createDirectories(root.resolve("proc/" + pid + "/ns"));
    Files.createSymbolicLink(ns.resolve("net"), Path.of(link));
  }

  private long named(String name) throws IOException {
    Path file = Files.createDirectories(root.resolve("run/netns")).resolve(name);
    Files.createFile(file);
    return (Long) Files.getAttribute(file, "unix:ino");
  }

  @Test
  void groupsProcessesByNamespaceWithTheHostFirstAndNamesJoined() throws Exception {
    process(1, "net:[4026531840]");
    process(2, "net:[4026531840]");
    process(300, "net:[4026532522]");
    process(301, "net:[4026532522]");
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026532522]"));
    Files.createDirectories(root.resolve("proc/sys")); // not a pid: ignored
    long lonely = named("lonely");

    NetnsInventory inventory = NetnsInventory.read(root);

    assertThat(inventory.processes()).isEqualTo(4);
    assertThat(inventory.unavailable()).isEmpty();
    assertThat(inventory.namespaces()).hasSize(3);
    NetworkNamespace host = inventory.namespaces().getFirst();
    assertThat(host.host()).isTrue();
    assertThat(host.current()).isFalse();
    assertThat(host.label()).isEqualTo("host");
    assertThat(host.inode()).isEqualTo(4026531840L);
    assertThat(host.pids()).containsExactly(1, 2);
    assertThat(host.wayIn()).isEqualTo(root.resolve("proc/1/ns/net"));
    assertThat(host.procNetDirectory()).contains(root.resolve("proc/1/net"));

    NetworkNamespace container = inventory.byInode(4026532522L).orElseThrow();
    assertThat(container.host()).isFalse();
    assertThat(container.current()).isTrue();
    assertThat(container.label()).isEqualTo("net:[4026532522]");
    assertThat(container.processCount()).isEqualTo(2);
    assertThat(container.wayIn()).isEqualTo(root.resolve("proc/300/ns/net"));

    NetworkNamespace named = inventory.byName("lonely").orElseThrow();
    assertThat(named.inode()).isEqualTo(lonely);
    assertThat(named.processCount()).isZero();
    assertThat(named.pids()).isEmpty();
    assertThat(named.wayIn()).isEqualTo(root.resolve("run/netns/lonely"));
    assertThat(named.procNetDirectory()).isEmpty();
    assertThat(named.label()).isEqualTo("lonely");
  }

  @Test
  void aNamedNamespaceWithProcessesIsEnteredByItsNameAndRead() throws Exception {
    process(1, "net:[4026531840]");
    long inode = named("web");
    process(50, "net:[" + inode + "]");
    named("api"); // a second, different namespace

    NetworkNamespace web = NetnsInventory.read(root).byName("web").orElseThrow();

    assertThat(web.pids()).containsExactly(50);
    assertThat(web.wayIn()).isEqualTo(root.resolve("run/netns/web"));
    assertThat(web.procNetDirectory()).contains(root.resolve("proc/50/net"));
  }

  @Test
  void keepsTheLowestPidsButCountsThemAll() throws Exception {
    process(1, "net:[10]");
    for (int pid = 100; pid < 140; pid++) {
      process(pid, "net:[20]");
    }
    NetworkNamespace busy = NetnsInventory.read(root).byInode(20).orElseThrow();
    assertThat(busy.processCount()).isEqualTo(40);
    assertThat(busy.pids())
        .hasSize(NetnsInventory.MAX_PIDS)
        .containsExactlyElementsOf(
            IntStream.range(100, 100 + NetnsInventory.MAX_PIDS).boxed().toList());
    assertThat(busy.wayIn()).isEqualTo(root.resolve("proc/100/ns/net"));
  }

  @Test
  void vanishedAndOddProcessesAreCountedNotThrown() throws Exception {
    process(1, "net:[10]");
    Files.createDirectories(root.resolve("proc/7")); // exited: no ns directory any more
    process(8, "uts:[4026531838]"); // not a network namespace link

    NetnsInventory inventory = NetnsInventory.read(root);

    assertThat(inventory.processes()).isEqualTo(3);
    assertThat(inventory.processesVanished()).isEqualTo(1);
    assertThat(inventory.processesFailed()).isEqualTo(1);
    assertThat(inventory.processesDenied()).isZero();
    assertThat(inventory.namespaces()).extracting(NetworkNamespace::inode).containsExactly(10L);
    assertThat(inventory.unavailable())
        .containsExactly(
            new Unavailable(
                "network namespaces of 1 processes",
                "unreadable, first pid 8: not a net:[N] namespace link"));
  }

  @Test
  void kthreaddStandsInForAnUnreadablePid1ButAnotherPid2DoesNot() throws Exception {
    Files.createDirectories(root.resolve("proc/1")); // its ns link unreadable here
    process(2, "net:[10]");
    process(3, "net:[20]");
    Files.writeString(root.resolve("proc/2/comm"), "kthreadd\n");
    assertThat(NetnsInventory.read(root).host().orElseThrow().inode()).isEqualTo(10);

    Files.writeString(root.resolve("proc/2/comm"), "bash\n"); // inside a pid namespace
    NetnsInventory inventory = NetnsInventory.read(root);
    assertThat(inventory.host()).isEmpty();
    assertThat(inventory.unavailable())
        .extracting(Unavailable::item)
        .containsExactly("host network namespace");
  }

  @Test
  void anEmptyRootGivesAnEmptyInventoryWithTheReason() {
    NetnsInventory inventory = NetnsInventory.read(root);
    assertThat(inventory.namespaces()).isEmpty();
    assertThat(inventory.host()).isEqualTo(Optional.empty());
    assertThat(inventory.unavailable()).containsExactly(new Unavailable("process list", "missing"));
  }

  @Test
  void pidsAreDecimalEntriesOnly() {
    assertThat(io.sockwatch.process.ProcPids.parsePid("1")).isEqualTo(1);
    assertThat(io.sockwatch.process.ProcPids.parsePid("2147483647")).isEqualTo(Integer.MAX_VALUE);
    for (String name : List.of("", "0", "01", "self", "2147483648", "12345678901", "1a")) {
      assertThat(io.sockwatch.process.ProcPids.parsePid(name)).as(name).isEqualTo(-1);
    }
  }
}
