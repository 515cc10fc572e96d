package io.sockwatch.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetnsChoiceTest {

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

  @ParameterizedTest
  @ValueSource(strings = {"all", "host", "self", "4026531840", "web1", "pid:42"})
  void describeGivesTheOptionTextBack(String text) {
    NetnsChoice choice = NetnsChoice.parse(text);
    assertThat(choice.describe()).isEqualTo(text);
    assertThat(NetnsChoice.parse(choice.describe())).isEqualTo(choice);
  }
}
