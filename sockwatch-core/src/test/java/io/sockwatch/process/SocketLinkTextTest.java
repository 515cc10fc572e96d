package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketLinkTextTest {

  private static long parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return SocketLinkText.inodeOf(b, 0, b.length);
  }

  @Test
  void parsesTheKernelSocketLinkFormat() {
    assertThat(parse("socket:[12345]")).isEqualTo(12345);
    assertThat(parse("socket:[1]")).isEqualTo(1);
    assertThat(parse("socket:[4294967295]")).isEqualTo(4294967295L);
    assertThat(parse("socket:[9223372036854775807]")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void parsesWithinALargerBuffer() {
    byte[] b = "xxsocket:[77]yy".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(SocketLinkText.inodeOf(b, 2, 11)).isEqualTo(77);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "socket:[]",
        "socket:[abc]",
        "socket:[12a]",
        "socket:[-1]",
        "socket:[+1]",
        "socket:[ 1]",
        "socket:[0]",
        "socket:[007]",
        "socket:[12345",
        "socket:12345]",
        "Socket:[1]",
        "socket:[1]]",
        "socket:[9223372036854775808]",
        "socket:[99999999999999999999]",
        "pipe:[9]",
        "anon_inode:[eventpoll]",
        "/dev/null",
        "/tmp/socket:[5]"
      })
  void rejectsEverythingElse(String text) {
    assertThat(parse(text)).isEqualTo(SocketLinkText.NOT_SOCKET);
  }
}
