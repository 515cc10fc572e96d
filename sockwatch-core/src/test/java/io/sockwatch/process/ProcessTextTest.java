package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcessTextTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void commDropsTheKernelNewline() {
    byte[] raw = bytes("java\n");
    assertThat(ProcessText.comm(raw, raw.length)).isEqualTo("java");
    byte[] spaced = bytes("kworker/0:1 x\n");
    assertThat(ProcessText.comm(spaced, spaced.length)).isEqualTo("kworker/0:1 x");
    assertThat(ProcessText.comm(new byte[0], 0)).isEmpty();
  }

  @Test
  void cmdlineJoinsArgumentsWithSpacesAndDropsTheTrailingNul() {
    byte[] raw = bytes("python3\0-c\0print(1)\0");
    assertThat(ProcessText.cmdline(raw, raw.length)).isEqualTo("python3 -c print(1)");
  }

  @Test
  void cmdlineKeepsEmptyArgumentsAsSpaces() {
    byte[] raw = bytes("a\0\0b\0\0\0");
    assertThat(ProcessText.cmdline(raw, raw.length)).isEqualTo("a  b");
  }

  @Test
  void cmdlineOfKernelThreadIsEmpty() {
    assertThat(ProcessText.cmdline(new byte[0], 0)).isEmpty();
  }

  @Test
  void cmdlineIsCappedAtMaxBytes() {
    byte[] raw = new byte[ProcessText.MAX_CMDLINE_BYTES + 100];
    Arrays.fill(raw, (byte) 'x');
    assertThat(ProcessText.cmdline(raw, raw.length)).hasSize(ProcessText.MAX_CMDLINE_BYTES);
  }

  @Test
  void cmdlineDecodesUtf8AndReplacesInvalidBytes() {
    byte[] raw = {(byte) 0xc3, (byte) 0xa9, 0, (byte) 0xff, 0};
    assertThat(ProcessText.cmdline(raw, raw.length)).isEqualTo("\u00e9 \ufffd");
  }
}
