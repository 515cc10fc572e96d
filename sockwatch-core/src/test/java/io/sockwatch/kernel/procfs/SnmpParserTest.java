package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnmpParserTest {

  @Test
  void fixtureSnmpHasEveryProtocolAndNegativeValues() {
    ParsedCounters p = SnmpParser.parse(Fixture618.text("proc/net/snmp"));
    assertThat(p.problems()).isEmpty();
    assertThat(p.truncated()).isFalse();
    assertThat(p.sections().keySet()).containsExactly("Ip", "Icmp", "Tcp", "Udp", "UdpLite");
    Map<String, Long> tcp = p.sections().get("Tcp");
    assertThat(tcp).hasSize(15);
    assertThat(tcp)
        .containsEntry("RtoAlgorithm", 1L)
        .containsEntry("RtoMin", 200L)
        .containsEntry("RtoMax", 120000L)
        .containsEntry("MaxConn", -1L)
        .containsEntry("ActiveOpens", 8L)
        .containsEntry("PassiveOpens", 8L)
        .containsEntry("CurrEstab", 11L)
        .containsEntry("InSegs", 38L)
        .containsEntry("InCsumErrors", 0L);
    assertThat(tcp.keySet()).startsWith("RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn");
    assertThat(p.sections().get("Ip"))
        .containsEntry("Forwarding", 2L)
        .containsEntry("DefaultTTL", 64L);
  }

  @Test
  void fixtureNetstatHasTheExtensions() {
    ParsedCounters p = SnmpParser.parse(Fixture618.text("proc/net/netstat"));
    assertThat(p.problems()).isEmpty();
    assertThat(p.sections().keySet()).containsExactly("TcpExt", "IpExt", "MPTcpExt");
    assertThat(p.sections().get("TcpExt"))
        .containsEntry("TW", 3L)
        .containsEntry("DelayedACKs", 3L)
        .containsEntry("ListenOverflows", 0L)
        .containsEntry("TCPMemoryPressures", 0L);
    assertThat(p.sections().get("IpExt"))
        .containsEntry("InOctets", 2448L)
        .containsEntry("OutOctets", 2448L)
        .containsEntry("InNoECTPkts", 26L)
        .hasSize(18);
  }

  @Test
  void mismatchedCountsKeepWhatPairsAndSayWhere() {
    ParsedCounters p = SnmpParser.parse("Tcp: A B C\nTcp: 1 2\nUdp: X Y\nUdp: 5 6 7\n");
    assertThat(p.sections().get("Tcp")).containsExactly(Map.entry("A", 1L), Map.entry("B", 2L));
    assertThat(p.sections().get("Udp")).containsExactly(Map.entry("X", 5L), Map.entry("Y", 6L));
    assertThat(p.problems())
        .containsExactly(
            "line 2: Tcp has 3 names but 2 values", "line 4: Udp has 2 names but 3 values");
  }

  @Test
  void unpairedLinesAreReportedAndTheRestStillPairs() {
    ParsedCounters p =
        SnmpParser.parse(
            "Ip: Forwarding\n"
                + "Tcp: ActiveOpens PassiveOpens\n"
                + "Tcp: 4 x\n"
                + "Udp: 1 2\n"
                + "NewProto: Foo Bar\n"
                + "NewProto: 9 -3\n"
                + "Icmp: InMsgs\n");
    assertThat(p.sections().keySet()).containsExactly("Tcp", "NewProto");
    assertThat(p.sections().get("Tcp")).containsExactly(Map.entry("ActiveOpens", 4L));
    assertThat(p.sections().get("NewProto"))
        .containsExactly(Map.entry("Foo", 9L), Map.entry("Bar", -3L));
    assertThat(p.problems())
        .containsExactly(
            "line 1: Ip names have no values",
            "line 3: Tcp 'PassiveOpens' has no number",
            "line 4: Udp values have no names",
            "line 7: Icmp names have no values");
  }

  @Test
  void truncatedValueLineLeavesItsNamesUnpaired() {
    String snmp = Fixture618.text("proc/net/snmp");
    int cut = snmp.indexOf("Tcp: 1 200") + 12;
    ParsedCounters p = SnmpParser.parse(snmp.substring(0, cut));
    assertThat(p.truncated()).isTrue();
    assertThat(p.sections().keySet()).containsExactly("Ip", "Icmp");
    assertThat(p.problems()).containsExactly("line 5: Tcp names have no values");
  }
}
