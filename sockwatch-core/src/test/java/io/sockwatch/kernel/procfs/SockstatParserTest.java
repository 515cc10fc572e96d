package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SockstatParserTest {

  @Test
  void fixtureSockstatKeepsEverySectionAndFieldInOrder() {
    ParsedCounters p = SockstatParser.parse(Fixture618.text("proc/net/sockstat"));
    assertThat(p.problems()).isEmpty();
    assertThat(p.truncated()).isFalse();
    assertThat(p.sections().keySet())
        .containsExactly("sockets", "TCP", "UDP", "UDPLITE", "RAW", "FRAG");
    assertThat(p.sections().get("TCP"))
        .containsExactly(
            Map.entry("inuse", 11L),
            Map.entry("orphan", 0L),
            Map.entry("tw", 3L),
            Map.entry("alloc", 999966L),
            Map.entry("mem", 233L));
    assertThat(p.sections().get("sockets")).containsExactly(Map.entry("used", 17L));
    assertThat(p.sections().get("FRAG"))
        .containsExactly(Map.entry("inuse", 0L), Map.entry("memory", 0L));
  }

  @Test
  void fixtureSockstat6() {
    ParsedCounters p = SockstatParser.parse(Fixture618.text("proc/net/sockstat6"));
    assertThat(p.problems()).isEmpty();
    assertThat(p.sections().keySet()).containsExactly("TCP6", "UDP6", "UDPLITE6", "RAW6", "FRAG6");
    assertThat(p.sections().get("TCP6")).containsExactly(Map.entry("inuse", 6L));
  }

  @Test
  void newerLayoutFieldsAndSectionsComeThroughWithoutProblems() {
    ParsedCounters p =
        SockstatParser.parse("TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1 quic 4\nMPTCP: inuse 3\n");
    assertThat(p.problems()).isEmpty();
    assertThat(p.sections().get("TCP")).containsEntry("quic", 4L).hasSize(6);
    assertThat(p.sections().get("MPTCP")).containsExactly(Map.entry("inuse", 3L));
  }

  @Test
  void badLinesCostOnlyThemselves() {
    ParsedCounters p =
        SockstatParser.parse(
            "sockets: used 4\n"
                + "garbage without colon\n"
                + "TCP: inuse 5 orphan\n"
                + "UDP: inuse x mem 2\n"
                + "RAW:\n"
                + "\u0001\u00ff: a 1\n"
                + "FRAG: inuse 1 memory 0");
    assertThat(p.sections().get("sockets")).containsExactly(Map.entry("used", 4L));
    assertThat(p.sections().get("TCP")).containsExactly(Map.entry("inuse", 5L));
    assertThat(p.sections().get("UDP")).containsExactly(Map.entry("mem", 2L));
    assertThat(p.sections()).doesNotContainKeys("RAW", "FRAG");
    assertThat(p.truncated()).isTrue();
    assertThat(p.problems())
        .containsExactly(
            "line 2: no section name",
            "line 3: TCP has an odd number of fields",
            "line 4: UDP 'inuse' has no number",
            "line 5: RAW has no fields",
            "line 6: no section name");
  }
}
