package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import org.junit.jupiter.api.Test;

class SysctlParserTest {

  @Test
  void fixtureValues() throws Exception {
    String ipv4 = "proc/sys/net/ipv4/";
    assertThat(SysctlParser.tcpMem(Fixture618.text(ipv4 + "tcp_mem")))
        .isEqualTo(new TcpMemLimits(287901, 383869, 575802));
    assertThat(SysctlParser.portRange(Fixture618.text(ipv4 + "ip_local_port_range")))
        .isEqualTo(new PortRange(32768, 60999));
    assertThat(SysctlParser.reservedPorts(Fixture618.text(ipv4 + "ip_local_reserved_ports")))
        .isEmpty();
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_max_orphans"))).isEqualTo(131072);
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_keepalive_time"))).isEqualTo(7200);
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_keepalive_intvl"))).isEqualTo(75);
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_keepalive_probes"))).isEqualTo(9);
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_fin_timeout"))).isEqualTo(60);
    assertThat(SysctlParser.number(Fixture618.text(ipv4 + "tcp_tw_reuse"))).isEqualTo(2);
    String nf = "proc/sys/net/netfilter/";
    assertThat(SysctlParser.number(Fixture618.text(nf + "nf_conntrack_count"))).isZero();
    assertThat(SysctlParser.number(Fixture618.text(nf + "nf_conntrack_max"))).isEqualTo(262144);
  }

  @Test
  void reservedPortsListsPortsAndRanges() throws Exception {
    assertThat(SysctlParser.reservedPorts("8080,9000-9010,65535\n"))
        .containsExactly(
            new PortRange(8080, 8080), new PortRange(9000, 9010), new PortRange(65535, 65535));
  }

  @Test
  void badReservedPortsSayWhichItem() {
    assertThatThrownBy(() -> SysctlParser.reservedPorts("8080,70000\n"))
        .isInstanceOf(ProcFormatException.class)
        .hasMessage("unrecognised format: '70000' is not a port");
    assertThatThrownBy(() -> SysctlParser.reservedPorts("9010-9000\n"))
        .hasMessage("unrecognised format: '9010-9000' is not a port range");
    assertThatThrownBy(() -> SysctlParser.reservedPorts("80,,81\n"))
        .hasMessage("unrecognised format: '' is not a port");
    assertThatThrownBy(() -> SysctlParser.reservedPorts("-1\n"))
        .hasMessage("unrecognised format: '' is not a port");
  }

  @Test
  void wrongShapesAreUnrecognisedAndCutTextIsTruncated() {
    assertThatThrownBy(() -> SysctlParser.tcpMem("287901\t383869\n"))
        .hasMessage("unrecognised format: expected 3 numbers, found 2 fields");
    assertThatThrownBy(() -> SysctlParser.tcpMem("1\t2\t-3\n"))
        .hasMessage("unrecognised format: negative page count -3");
    assertThatThrownBy(() -> SysctlParser.portRange("60999\t32768\n"))
        .hasMessage("unrecognised format: '60999 32768' is not a port range");
    assertThatThrownBy(() -> SysctlParser.number("abc\n"))
        .hasMessage("unrecognised format: 'abc' is not a number");
    assertThatThrownBy(() -> SysctlParser.number("1\n2\n"))
        .hasMessage("unrecognised format: more than one line");
    assertThatThrownBy(() -> SysctlParser.number("72"))
        .hasMessage("truncated: no newline at the end");
    assertThatThrownBy(() -> SysctlParser.number("")).hasMessage("truncated: file is empty");
  }
}
