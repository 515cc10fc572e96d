package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NfConntrackStatParserTest {

  private static final String HEADER =
      "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop"
          + " early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";

  @Test
  void fixtureHasAllSeventeenCounters() {
    ParsedCounters p = NfConntrackStatParser.parse(Fixture618.text("proc/net/stat/nf_conntrack"));
    assertThat(p.problems()).isEmpty();
    Map<String, Long> c = p.sections().get("nf_conntrack");
    assertThat(c).hasSize(17).containsEntry("entries", 0L).containsEntry("search_restart", 0L);
    assertThat(c.keySet()).startsWith("entries", "clashres", "found");
  }

  @Test
  void sumsPerCpuRowsButNotTheRepeatedEntriesCount() {
    String row1 =
        "0000000a  00000001 00000002 00000000 00000010 00000000 00000000 00000000 00000003 00000000"
            + " 00000000 00000000 00000000  00000000 00000000 00000000 0000000f\n";
    String row2 =
        "0000000b  00000001 00000003 00000000 00000001 00000000 00000000 00000000 00000004 00000001"
            + " 00000000 00000000 00000000  00000000 00000000 00000000 00000001\n";
    ParsedCounters p = NfConntrackStatParser.parse(HEADER + row1 + row2);
    assertThat(p.problems()).isEmpty();
    Map<String, Long> c = p.sections().get("nf_conntrack");
    assertThat(c)
        .containsEntry("entries", 11L)
        .containsEntry("clashres", 2L)
        .containsEntry("found", 5L)
        .containsEntry("invalid", 17L)
        .containsEntry("insert", 7L)
        .containsEntry("insert_failed", 1L)
        .containsEntry("search_restart", 16L);
  }

  @Test
  void shortRowsAndBadValuesAreReported() {
    ParsedCounters p = NfConntrackStatParser.parse("entries found\n00000001 zz\n00000002\n");
    assertThat(p.sections().get("nf_conntrack")).containsExactly(Map.entry("entries", 2L));
    assertThat(p.problems())
        .containsExactly("line 2: found has no number", "line 3: 2 names but 1 values");
  }

  @Test
  void noHeaderNoCounters() {
    ParsedCounters p = NfConntrackStatParser.parse("\u0000\u0001 ::\n00000001\n");
    assertThat(p.sections()).isEmpty();
    assertThat(p.problems()).containsExactly("line 1: no header of counter names");
  }
}
