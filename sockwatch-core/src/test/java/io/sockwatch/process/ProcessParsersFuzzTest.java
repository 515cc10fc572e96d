package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the pure parsers of process attribution with arbitrary bytes: none may throw, and the
 * results must agree with the format. Seeds are in {@code ProcessParsersFuzzTestInputs/}; a normal
 * build replays them, {@code JAZZER_FUZZ=1} fuzzes.
 */
class ProcessParsersFuzzTest {

  @FuzzTest
  void socketLink(byte[] data) {
    long inode = SocketLinkText.inodeOf(data, 0, data.length);
    if (inode == SocketLinkText.NOT_SOCKET) {
      return;
    }
    assertThat(inode).isPositive();
    // Only the exact kernel spelling parses, so printing the inode back gives the input.
    assertThat(new String(data, StandardCharsets.ISO_8859_1)).isEqualTo("socket:[" + inode + "]");
  }

  @FuzzTest
  void comm(byte[] data) {
    String comm = ProcessText.comm(data, data.length);
    assertThat(comm).doesNotContain("\n");
  }

  @FuzzTest
  void cmdline(byte[] data) {
    String cmdline = ProcessText.cmdline(data, data.length);
    assertThat(cmdline).doesNotContain("\0");
    // Each byte decodes to at most one UTF-16 unit (invalid ones to one U+FFFD).
    assertThat(cmdline.length()).isLessThanOrEqualTo(ProcessText.MAX_CMDLINE_BYTES);
  }
}
