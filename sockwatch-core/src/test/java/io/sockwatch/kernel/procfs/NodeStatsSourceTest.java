package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.Unavailable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStatsSourceTest {

  @TempDir Path root;

  @Test
  void readsTheRecordedTreeCompletely() {
    NodeStats s = new NodeStatsSource(Fixture618.root()).read();
    assertThat(s.unavailable()).isEmpty();
    assertThat(s.sockstat().keySet())
        .containsExactly(
            "sockets",
            "TCP",
            "UDP",
            "UDPLITE",
            "RAW",
            "FRAG",
            "TCP6",
            "UDP6",
            "UDPLITE6",
            "RAW6",
            "FRAG6");
    assertThat(s.sockstat("TCP", "inuse")).hasValue(11);
    assertThat(s.sockstat("TCP", "tw")).hasValue(3);
    assertThat(s.sockstat("TCP", "mem")).hasValue(233);
    assertThat(s.sockstat("TCP6", "inuse")).hasValue(6);
    assertThat(s.snmp("Tcp", "MaxConn")).hasValue(-1);
    assertThat(s.snmp("Tcp", "ActiveOpens")).hasValue(8);
    assertThat(s.netstat("TcpExt", "TW")).hasValue(3);
    assertThat(s.netstat("IpExt", "InOctets")).hasValue(2448);
    assertThat(s.netstat("nf_conntrack", "entries")).hasValue(0);
    assertThat(s.netstat("nf_conntrack", "search_restart")).hasValue(0);
    assertThat(s.netstat("TcpExt", "NoSuchCounter")).isEmpty();

    KernelTunables t = s.tunables();
    assertThat(t.tcpMem()).hasValue(new TcpMemLimits(287901, 383869, 575802));
    assertThat(t.localPortRange()).hasValue(new PortRange(32768, 60999));
    assertThat(t.reservedPorts()).isEmpty();
    assertThat(t.tcpMaxOrphans()).hasValue(131072);
    assertThat(t.keepaliveTimeSeconds()).hasValue(7200);
    assertThat(t.keepaliveIntervalSeconds()).hasValue(75);
    assertThat(t.keepaliveProbes()).hasValue(9);
    assertThat(t.finTimeoutSeconds()).hasValue(60);
    assertThat(t.twReuse()).hasValue(2);
    assertThat(t.conntrackCount()).hasValue(0);
    assertThat(t.conntrackMax()).hasValue(262144);
    assertThat(t.maxTwBuckets()).hasValue(131072);
  }

  /**
   * One tree with every kind of damage: each file gets its own clear reason and every other value
   * is still read.
   */
  @Test
  void damagedTreeGivesOneReasonPerFileAndAPartialResult() throws Exception {
    Fixture618.copyTo(root);
    Path net = root.resolve("proc/net");
    Path ipv4 = root.resolve("proc/sys/net/ipv4");
    Path netfilter = root.resolve("proc/sys/net/netfilter");

    // missing
    Files.delete(net.resolve("sockstat6"));
    Files.delete(ipv4.resolve("tcp_max_orphans"));
    Files.delete(netfilter.resolve("nf_conntrack_count"));
    Files.delete(netfilter.resolve("nf_conntrack_max"));
    Files.delete(net.resolve("stat/nf_conntrack"));
    // truncated mid-line
    String snmp = Files.readString(net.resolve("snmp"));
    Files.writeString(net.resolve("snmp"), snmp.substring(0, snmp.indexOf("Tcp: 1 200") + 12));
    Files.writeString(ipv4.resolve("tcp_mem"), "287901\t3838");
    // garbled: random bytes with a few newlines
    byte[] junk = new byte[2048];
    new SplittableRandom(42).nextBytes(junk);
    for (int i = 64; i < junk.length; i += 64) {
      junk[i] = '\n';
    }
    junk[junk.length - 1] = '\n';
    Files.write(net.resolve("netstat"), junk);
    Files.writeString(ipv4.resolve("ip_local_reserved_ports"), "8080,nope\n");
    // newer layout: an extra section and an extra field are simply kept
    Files.writeString(
        net.resolve("sockstat"),
        Files.readString(net.resolve("sockstat")).replace("mem 233", "mem 233 quic 5")
            + "MPTCP: inuse 2\n");
    // a directory where a file should be
    Files.delete(ipv4.resolve("tcp_fin_timeout"));
    Files.createDirectory(ipv4.resolve("tcp_fin_timeout"));
    // unreadable even for root
    Files.delete(ipv4.resolve("tcp_keepalive_time"));
    Files.createSymbolicLink(
        ipv4.resolve("tcp_keepalive_time"), ProcNetTcpSourceTest.UNREADABLE_EVEN_FOR_ROOT);

    NodeStats s;
    try {
      s = new NodeStatsSource(root).read();
    } finally {
      Files.delete(ipv4.resolve("tcp_keepalive_time")); // the link, not /proc/sys/vm/drop_caches
    }

    assertThat(s.unavailable())
        .containsExactlyInAnyOrder(
            new Unavailable(net.resolve("sockstat6").toString(), "missing (IPv6 disabled?)"),
            new Unavailable(net.resolve("snmp").toString(), "truncated: last line incomplete"),
            new Unavailable(
                net.resolve("netstat").toString(), "unrecognised format: no counters found"),
            new Unavailable(net.resolve("stat/nf_conntrack").toString(), "nf_conntrack not loaded"),
            new Unavailable(ipv4.resolve("tcp_mem").toString(), "truncated: no newline at the end"),
            new Unavailable(
                ipv4.resolve("ip_local_reserved_ports").toString(),
                "unrecognised format: 'nope' is not a port"),
            new Unavailable(
                ipv4.resolve("tcp_max_orphans").toString(), NodeStatsSource.NODE_WIDE_ABSENT),
            new Unavailable(ipv4.resolve("tcp_keepalive_time").toString(), "permission denied"),
            new Unavailable(
                ipv4.resolve("tcp_fin_timeout").toString(), "read error: is a directory"),
            new Unavailable(
                netfilter.resolve("nf_conntrack_count").toString(), "nf_conntrack not loaded"),
            new Unavailable(
                netfilter.resolve("nf_conntrack_max").toString(), "nf_conntrack not loaded"));

    // What survived is exact, and what did not is absent rather than zero.
    assertThat(s.sockstat("TCP", "inuse")).hasValue(11);
    assertThat(s.sockstat("TCP", "quic")).hasValue(5);
    assertThat(s.sockstat("MPTCP", "inuse")).hasValue(2);
    assertThat(s.sockstat("TCP6", "inuse")).isEmpty();
    assertThat(s.snmp("Icmp", "InMsgs")).hasValue(0);
    assertThat(s.snmp("Ip", "DefaultTTL")).hasValue(64);
    assertThat(s.snmp("Tcp", "ActiveOpens")).isEmpty();
    assertThat(s.netstat()).isEmpty();
    KernelTunables t = s.tunables();
    assertThat(t.tcpMem()).isEqualTo(Optional.empty());
    assertThat(t.localPortRange()).hasValue(new PortRange(32768, 60999));
    assertThat(t.reservedPorts()).isEmpty();
    assertThat(t.tcpMaxOrphans()).isEqualTo(OptionalLong.empty());
    assertThat(t.keepaliveTimeSeconds()).isEmpty();
    assertThat(t.keepaliveIntervalSeconds()).hasValue(75);
    assertThat(t.keepaliveProbes()).hasValue(9);
    assertThat(t.finTimeoutSeconds()).isEmpty();
    assertThat(t.twReuse()).hasValue(2);
    assertThat(t.conntrackCount()).isEmpty();
    assertThat(t.conntrackMax()).isEmpty();
    assertThat(t.maxTwBuckets()).hasValue(131072);
  }

  @Test
  void partlyUnrecognisedCounterFileKeepsTheGoodSectionsAndCountsTheRest() throws Exception {
    Fixture618.copyTo(root);
    Path netstat = root.resolve("proc/net/netstat");
    String text = Files.readString(netstat, StandardCharsets.ISO_8859_1);
    Files.writeString(netstat, text.replace("IpExt: 0 0 0", "IpExt: 0 zz 0") + "Orphan: A B\n");
    NodeStats s = new NodeStatsSource(root).read();
    assertThat(s.netstat("TcpExt", "TW")).hasValue(3);
    assertThat(s.netstat("IpExt", "InNoRoutes")).hasValue(0);
    assertThat(s.netstat("IpExt", "InTruncatedPkts")).isEmpty();
    assertThat(s.unavailable())
        .containsExactly(
            new Unavailable(
                netstat.toString(),
                "unrecognised format: line 4: IpExt 'InTruncatedPkts' has no number (and 1"
                    + " more)"));
  }

  @Test
  void anEmptyRootGivesOnlyReasonsNeverAnException() {
    NodeStats s = new NodeStatsSource(root).read();
    assertThat(s.sockstat()).isEmpty();
    assertThat(s.snmp()).isEmpty();
    assertThat(s.netstat()).isEmpty();
    assertThat(s.unavailable()).hasSize(5 + 13);
    assertThat(s.unavailable())
        .extracting(Unavailable::reason)
        .containsOnly(
            "missing",
            "missing (IPv6 disabled?)",
            NodeStatsSource.NODE_WIDE_ABSENT,
            "nf_conntrack not loaded");
  }
}
