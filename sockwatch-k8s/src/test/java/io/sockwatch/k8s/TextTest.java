package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void shortTextIsKeptAndLongTextIsCutToTheByteBoundWithAnEllipsis() {
    assertThat(Text.bound("short", 64)).isEqualTo("short");
    String exact = "x".repeat(64);
    assertThat(Text.bound(exact, 64)).isEqualTo(exact);

    String cut = Text.bound("y".repeat(100), 64);
    assertThat(cut).endsWith("…").startsWith("yyy");
    assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(64);
  }

  @Test
  void cutsNeverSplitACharacter() {
    // 4-byte characters (a surrogate pair each) and 2-byte ones
    for (String unit : new String[] {"😀", "é", "a😀é"}) {
      for (int max = 64; max < 80; max++) {
        String cut = Text.bound(unit.repeat(100), max);
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(max);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(cut);
        assertThat(cut).doesNotContain("\uFFFD").endsWith("…");
      }
    }
  }

  @Test
  void detectorIdsBecomeCamelCase() {
    assertThat(Text.camel("close-wait")).isEqualTo("CloseWait");
    assertThat(Text.camel("tcp-memory")).isEqualTo("TcpMemory");
    assertThat(Text.camel("conntrack")).isEqualTo("Conntrack");
  }
}
