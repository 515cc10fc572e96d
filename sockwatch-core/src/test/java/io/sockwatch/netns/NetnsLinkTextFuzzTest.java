package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the ns link parser: it never throws, and whatever it accepts is exactly the canonical
 * {@code net:[N]} spelling of a positive inode. Runs the seeds in {@code
 * NetnsLinkTextFuzzTestInputs/} in a normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NetnsLinkTextFuzzTest {

  @FuzzTest
  void inodeOf(byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    long inode = NetnsLinkText.inodeOf(text);
    if (inode != NetnsLinkText.NOT_NETNS) {
      assertThat(inode).isPositive();
      assertThat(text).isEqualTo("net:[" + inode + "]");
    }
    String utf8 = new String(data, StandardCharsets.UTF_8);
    long again = NetnsLinkText.inodeOf(utf8);
    assertThat(again == NetnsLinkText.NOT_NETNS || utf8.equals("net:[" + again + "]")).isTrue();
  }
}
