package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NetnsLinkTextTest {

  @ParameterizedTest
  @CsvSource({
    "'net:[4026531840]', 4026531840",
    "'net:[1]', 1",
    "'net:[9223372036854775807]', 9223372036854775807"
  })
  void readsTheInode(String link, long inode) {
    assertThat(NetnsLinkText.inodeOf(link)).isEqualTo(inode);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "net:[]",
        "net:[0]",
        "net:[0123]",
        "net:[-1]",
        "net:[+1]",
        "net:[12a]",
        "net:[12",
        "net:12]",
        "net:[12] ",
        " net:[12]",
        "uts:[4026531838]",
        "socket:[12345]",
        "net:[9223372036854775808]",
        "net:[99999999999999999999]",
        "net:[١٢]"
      })
  void rejectsAnythingElse(String link) {
    assertThat(NetnsLinkText.inodeOf(link)).isEqualTo(NetnsLinkText.NOT_NETNS);
  }
}
