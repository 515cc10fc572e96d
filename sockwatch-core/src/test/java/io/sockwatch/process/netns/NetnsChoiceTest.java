package io.sockwatch.process.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetnsChoiceTest {

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
  void wordsParseToTheirConstants() {
    assertThat(NetnsChoice.parse("all")).isEqualTo(NetnsChoice.ALL);
    assertThat(NetnsChoice.parse("host")).isEqualTo(NetnsChoice.HOST);
    assertThat(NetnsChoice.parse("self")).isEqualTo(NetnsChoice.SELF);
    assertThat(NetnsChoice.parse(" all\n")).as("trimmed").isEqualTo(NetnsChoice.ALL);
    assertThat(NetnsChoice.ALL.isAll()).isTrue();
    assertThat(NetnsChoice.HOST.isAll()).isFalse();
  }

  @Test
  void digitsAreAnInodeAndOtherTextAName() {
    NetnsChoice inode = NetnsChoice.parse("4026531840");
    assertThat(inode.kind()).isEqualTo(NetnsChoice.Kind.INODE);
    assertThat(inode.inode()).isEqualTo(4026531840L);

    NetnsChoice name = NetnsChoice.parse("web-1.blue");
    assertThat(name.kind()).isEqualTo(NetnsChoice.Kind.NAME);
    assertThat(name.name()).isEqualTo("web-1.blue");

    NetnsChoice longest = NetnsChoice.parse("n".repeat(255));
    assertThat(longest.name()).hasSize(255);
  }

  @Test
  void pidTakesAPositiveProcessId() {
    NetnsChoice pid = NetnsChoice.parse("pid:4242");
    assertThat(pid.kind()).isEqualTo(NetnsChoice.Kind.PID);
    assertThat(pid.pid()).isEqualTo(4242);
    assertThat(NetnsChoice.parse("pid:999999999").pid()).isEqualTo(999_999_999);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pid:x", "pid:0", "pid:-1", "pid:", "pid:1234567890", "pid: 7"})
  void badPidsAreRejectedWithTheTextQuoted(String text) {
    assertThatThrownBy(() -> NetnsChoice.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pid:PID takes a process id, not '" + text + "'");
  }

  @Test
  void anInodeTooLargeForALongIsRejectedNotOverflowed() {
    String huge = "99999999999999999999";
    assertThatThrownBy(() -> NetnsChoice.parse(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + huge + "' is too large for a namespace inode");
  }

  @Test
  void inodeZeroIsRejected() {
    assertThatThrownBy(() -> NetnsChoice.parse("0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("0 is no namespace inode");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "/", "..", ".", "a/b", "../etc"})
  void textThatCannotBeAnIpNetnsNameIsRejected(String text) {
    assertThatThrownBy(() -> NetnsChoice.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'"
                + text.trim()
                + "' is neither all, host, self, an inode, pid:PID nor an ip-netns name");
  }

  @Test
  void aNameLongerThanAFileNameIsRejected() {
    String name = "n".repeat(300);
    assertThatThrownBy(() -> NetnsChoice.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is neither all, host, self");
  }

  @Test
  void allSelectsEveryNamespaceHostFirst() {
    assertThat(NetnsChoice.ALL.select(INVENTORY, procDir)).containsExactly(HOST, SELF, POD);
  }

  @Test
  void hostAndSelfSelectTheFlaggedNamespaceOrNothing() {
    assertThat(NetnsChoice.HOST.select(INVENTORY, procDir)).containsExactly(HOST);
    assertThat(NetnsChoice.SELF.select(INVENTORY, procDir)).containsExactly(SELF);

    NetnsInventory hostless = new NetnsInventory(List.of(POD), 40, 0, 0, 0, List.of());
    assertThat(NetnsChoice.HOST.select(hostless, procDir)).isEmpty();
    assertThat(NetnsChoice.SELF.select(hostless, procDir)).isEmpty();
  }

  @Test
  void inodeAndNameSelectTheirNamespaceOrNothing() {
    assertThat(NetnsChoice.parse("123").select(INVENTORY, procDir)).containsExactly(POD);
    assertThat(NetnsChoice.parse("4026531840").select(INVENTORY, procDir)).containsExactly(HOST);
    assertThat(NetnsChoice.parse("124").select(INVENTORY, procDir)).isEmpty();
    assertThat(NetnsChoice.parse("red").select(INVENTORY, procDir)).containsExactly(POD);
    assertThat(NetnsChoice.parse("web1").select(INVENTORY, procDir)).containsExactly(SELF);
    assertThat(NetnsChoice.parse("green").select(INVENTORY, procDir)).isEmpty();
  }

  @Test
  void aListedPidSelectsItsNamespaceWithoutReadingProc() {
    // procDir is empty: the answer must come from the inventory's pids.
    assertThat(NetnsChoice.parse("pid:2").select(INVENTORY, procDir)).containsExactly(HOST);
    assertThat(NetnsChoice.parse("pid:715").select(INVENTORY, procDir)).containsExactly(POD);
  }

  @Test
  void aPidBeyondTheInventorysCapIsFoundThroughItsOwnLink() throws IOException {
    link(9999, "net:[123]");
    assertThat(POD.pids()).doesNotContain(9999);

    assertThat(NetnsChoice.parse("pid:9999").select(INVENTORY, procDir)).containsExactly(POD);
  }

  @Test
  void aPidWhoseLinkIsMissingOrUnknownSelectsNothing() throws IOException {
    link(7777, "net:[555]"); // a namespace the inventory did not see
    link(6666, "mnt:[123]"); // not a network namespace link
    link(5555, "net:[0123]"); // not what the kernel writes

    assertThat(NetnsChoice.parse("pid:8888").select(INVENTORY, procDir)).isEmpty();
    assertThat(NetnsChoice.parse("pid:7777").select(INVENTORY, procDir)).isEmpty();
    assertThat(NetnsChoice.parse("pid:6666").select(INVENTORY, procDir)).isEmpty();
    assertThat(NetnsChoice.parse("pid:5555").select(INVENTORY, procDir)).isEmpty();
    assertThat(NetnsChoice.parse("pid:9999").select(INVENTORY, procDir.resolve("absent")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "host", "self", "4026531840", "web1", "pid:42"})
  void describeGivesTheOptionTextBack(String text) {
    NetnsChoice choice = NetnsChoice.parse(text);
    assertThat(choice.describe()).isEqualTo(text);
    assertThat(NetnsChoice.parse(choice.describe())).isEqualTo(choice);
  }
}
