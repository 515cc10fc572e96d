package io.sockwatch.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.bpf.TracepointFormat.Field;
import org.junit.jupiter.api.Test;

/** The tracefs format parser, on the real files of a 6.18 kernel and on broken ones. */
class TracepointFormatTest {

  private static final String HEADER = "name: ev\nID: 7\nformat:\n";

  @Test
  void parsesTheStateTracepointOfARealKernel() {
    TracepointFormat f = BpfFixtures.format(BpfFixtures.STATE);

    assertThat(f.name()).isEqualTo("inet_sock_set_state");
    assertThat(f.id()).isEqualTo(2287);
    assertThat(f.fields()).hasSize(15);
    assertThat(f.field("common_type")).contains(new Field("common_type", 0, 2));
    assertThat(f.field("skaddr")).contains(new Field("skaddr", 8, 8));
    assertThat(f.field("oldstate")).contains(new Field("oldstate", 16, 4));
    assertThat(f.field("newstate")).contains(new Field("newstate", 20, 4));
    assertThat(f.field("sport")).contains(new Field("sport", 24, 2));
    assertThat(f.field("dport")).contains(new Field("dport", 26, 2));
    assertThat(f.field("family")).contains(new Field("family", 28, 2));
    assertThat(f.field("protocol")).contains(new Field("protocol", 30, 2));
    // Arrays: the name without brackets, the size of the whole array.
    assertThat(f.field("saddr")).contains(new Field("saddr", 32, 4));
    assertThat(f.field("saddr_v6")).contains(new Field("saddr_v6", 40, 16));
    assertThat(f.field("daddr_v6")).contains(new Field("daddr_v6", 56, 16));
    assertThat(f.field("print")).isEmpty();
  }

  @Test
  void parsesTheResetTracepointOfARealKernel() {
    TracepointFormat f = BpfFixtures.format(BpfFixtures.RESET);

    assertThat(f.name()).isEqualTo("tcp_receive_reset");
    assertThat(f.id()).isEqualTo(2279);
    assertThat(f.fields()).hasSize(13);
    assertThat(f.require("skaddr", 8)).isEqualTo(new Field("skaddr", 8, 8));
    assertThat(f.require("sock_cookie", 8)).isEqualTo(new Field("sock_cookie", 64, 8));
    assertThat(f.require("saddr_v6", 16).offset()).isEqualTo(30);
  }

  @Test
  void requireNamesTheFieldOfAWrongSizeOrAMissingOne() {
    TracepointFormat f = BpfFixtures.format(BpfFixtures.STATE);

    assertThatThrownBy(() -> f.require("oldstate", 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inet_sock_set_state.oldstate is 4 bytes, expected 8");
    assertThatThrownBy(() -> f.require("sock_cookie", 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inet_sock_set_state has no field sock_cookie");
  }

  @Test
  void keepsTheFirstOfTwoFieldsOfOneName() {
    TracepointFormat f =
        TracepointFormat.parse(
            HEADER
                + "\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n"
                + "\tfield:long a;\toffset:8;\tsize:8;\tsigned:1;\n");

    assertThat(f.fields()).containsExactly(java.util.Map.entry("a", new Field("a", 0, 4)));
  }

  @Test
  void acceptsPointersWithoutASpaceBeforeTheName() {
    TracepointFormat f =
        TracepointFormat.parse(HEADER + "\tfield:char *p;\toffset:8;\tsize:8;\tsigned:0;\n");

    assertThat(f.field("p")).contains(new Field("p", 8, 8));
  }

  @Test
  void refusesTextWithoutNameOrId() {
    String fields = "format:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n";

    assertRefused("ID: 7\n" + fields, "no name: line");
    assertRefused("name: \nID: 7\n" + fields, "no name: line");
    assertRefused("name: ev\n" + fields, "no ID: line");
    assertRefused("", "no name: line");
    assertRefused("name: ev\nID: -1\n", "ID is not a number: -1");
    assertRefused("name: ev\nID: 12x\n", "ID is not a number: 12x");
    assertRefused("name: ev\nID: 1234567890\n", "ID is not a number: 1234567890");
  }

  @Test
  void refusesMalformedFieldLines() {
    assertRefused(HEADER + "field:int a;\n", "field line without offset and size: field:int a;");
    assertRefused(
        HEADER + "field: ;\toffset:0;\tsize:4;\n",
        "field without a name: field: ;\toffset:0;\tsize:4;");
    assertRefused(
        HEADER + "field:int 9a;\toffset:0;\tsize:4;\n",
        "field without a name: field:int 9a;\toffset:0;\tsize:4;");
    assertRefused(HEADER + "field:int a;\toffset:zero;\tsize:4;\n", "offset is not a number: zero");
    assertRefused(HEADER + "field:int a;\toffset:0;\tsize:;\n", "size is not a number: ");
    assertRefused(
        HEADER + "field:int a;\tsigned:0;\tsigned:1;\n", "field a without a sane offset and size");
    assertRefused(
        HEADER + "field:int a;\toffset:4;\tsize:0;\n", "field a without a sane offset and size");
  }

  @Test
  void refusesAbsurdOffsetsAndSizes() {
    int max = TracepointFormat.MAX_OFFSET;
    assertThat(
            TracepointFormat.parse(HEADER + "field:int a;\toffset:" + max + ";\tsize:4;\n")
                .field("a"))
        .contains(new Field("a", max, 4));
    assertRefused(
        HEADER + "field:int a;\toffset:" + (max + 1) + ";\tsize:4;\n",
        "field a without a sane offset and size");
    assertRefused(
        HEADER + "field:int a;\toffset:0;\tsize:" + (max + 1) + ";\n",
        "field a without a sane offset and size");
    assertRefused(
        HEADER + "field:int a;\toffset:99999999999;\tsize:4;\n",
        "offset is not a number: 99999999999");
  }

  @Test
  void refusesMoreFieldsThanTheCap() {
    StringBuilder text = new StringBuilder(HEADER);
    for (int i = 0; i < TracepointFormat.MAX_FIELDS; i++) {
      text.append("\tfield:int f").append(i).append(";\toffset:0;\tsize:4;\n");
    }
    assertThat(TracepointFormat.parse(text.toString()).fields())
        .hasSize(TracepointFormat.MAX_FIELDS);

    text.append("\tfield:int extra;\toffset:0;\tsize:4;\n");
    assertRefused(text.toString(), "more than " + TracepointFormat.MAX_FIELDS + " fields");
  }

  @Test
  void clipsLongLinesInItsMessages() {
    String name = "x".repeat(500);

    assertThatThrownBy(() -> TracepointFormat.parse(HEADER + "field:int " + name + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("field line without offset and size: field:int xxx")
        .hasMessageEndingWith("...")
        .hasMessageNotContaining("\n");
  }

  private static void assertRefused(String text, String message) {
    assertThatThrownBy(() -> TracepointFormat.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
