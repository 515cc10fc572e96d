package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.snapshot.NetnsChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceChooserTest {

  private static final NetworkNamespace HOST =
      namespace(4026531840L, true, false, List.of(), List.of(1, 2, 3), 120);
  private static final NetworkNamespace SELF =
      namespace(4026532001L, false, true, List.of("web1"), List.of(500), 1);

  /** A pod's namespace with more processes than the inventory keeps pids of. */
  private static final NetworkNamespace POD =
      namespace(
          123L,
          false,
          false,
          List.of("blue", "red"),
          IntStream.range(700, 700 + NetnsInventory.MAX_PIDS).boxed().toList(),
          40);

  private static final NetnsInventory INVENTORY =
      new NetnsInventory(List.of(HOST, SELF, POD), 161, 0, 0, 0, List.of());

  @TempDir Path procDir;

  private static NetworkNamespace namespace(
      long inode,
      boolean host,
      boolean current,
      List<String> names,
      List<Integer> pids,
      int processes) {
    Path way = Path.of("/proc/" + pids.getFirst() + "/ns/net");
    return new NetworkNamespace(
        inode,
        host,
        current,
        names,
        pids,
        processes,
        way,
        Optional.of(Path.of("/proc/" + pids.getFirst() + "/net")));
  }

  /** A fake {@code <procDir>/<pid>/ns/net} whose target is {@code target}, as the kernel shows. */
  private void link(int pid, String target) throws IOException {
    Path ns = Files.createDirectories(procDir.resolve(pid + "/ns"));
    Files.createSymbolicLink(ns.resolve("net"), Path.of(target));
  }

  @Test
  void allSelectsEveryNamespaceHostFirst() {
    assertThat(NamespaceChooser.select(NetnsChoice.ALL, INVENTORY, procDir))
        .containsExactly(HOST, SELF, POD);
  }

  @Test
  void hostAndSelfSelectTheFlaggedNamespaceOrNothing() {
    assertThat(NamespaceChooser.select(NetnsChoice.HOST, INVENTORY, procDir)).containsExactly(HOST);
    assertThat(NamespaceChooser.select(NetnsChoice.SELF, INVENTORY, procDir)).containsExactly(SELF);

    NetnsInventory hostless = new NetnsInventory(List.of(POD), 40, 0, 0, 0, List.of());
    assertThat(NamespaceChooser.select(NetnsChoice.HOST, hostless, procDir)).isEmpty();
    assertThat(NamespaceChooser.select(NetnsChoice.SELF, hostless, procDir)).isEmpty();
  }

  @Test
  void inodeAndNameSelectTheirNamespaceOrNothing() {
    assertThat(NamespaceChooser.select(NetnsChoice.parse("123"), INVENTORY, procDir))
        .containsExactly(POD);
    assertThat(NamespaceChooser.select(NetnsChoice.parse("4026531840"), INVENTORY, procDir))
        .containsExactly(HOST);
    assertThat(NamespaceChooser.select(NetnsChoice.parse("124"), INVENTORY, procDir)).isEmpty();
    assertThat(NamespaceChooser.select(NetnsChoice.parse("red"), INVENTORY, procDir))
        .containsExactly(POD);
    assertThat(NamespaceChooser.select(NetnsChoice.parse("web1"), INVENTORY, procDir))
        .containsExactly(SELF);
    assertThat(NamespaceChooser.select(NetnsChoice.parse("green"), INVENTORY, procDir)).isEmpty();
  }

  @Test
  void aListedPidSelectsItsNamespaceWithoutReadingProc() {
    // procDir is empty: the answer must come from the inventory's pids.
    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:2"), INVENTORY, procDir))
        .containsExactly(HOST);
    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:715"), INVENTORY, procDir))
        .containsExactly(POD);
  }

  @Test
  void aPidBeyondTheInventorysCapIsFoundThroughItsOwnLink() throws IOException {
    link(9999, "net:[123]");
    assertThat(POD.pids()).doesNotContain(9999);

    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:9999"), INVENTORY, procDir))
        .containsExactly(POD);
  }

  @Test
  void aPidWhoseLinkIsMissingOrUnknownSelectsNothing() throws IOException {
    link(7777, "net:[555]"); // a namespace the inventory did not see
    link(6666, "mnt:[123]"); // not a network namespace link
    link(5555, "net:[0123]"); // not what the kernel writes

    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:8888"), INVENTORY, procDir))
        .isEmpty();
    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:7777"), INVENTORY, procDir))
        .isEmpty();
    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:6666"), INVENTORY, procDir))
        .isEmpty();
    assertThat(NamespaceChooser.select(NetnsChoice.parse("pid:5555"), INVENTORY, procDir))
        .isEmpty();
    assertThat(
            NamespaceChooser.select(
                NetnsChoice.parse("pid:9999"), INVENTORY, procDir.resolve("absent")))
        .isEmpty();
  }
}
