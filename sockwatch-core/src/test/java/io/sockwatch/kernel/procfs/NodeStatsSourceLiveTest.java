package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The node counters read from the live kernel, checked against independent reads. */
@Tag("live")
class NodeStatsSourceLiveTest {

  private static final long DEADLINE_NANOS = 10_000_000_000L;

  private final NodeStatsSource source = new NodeStatsSource();

  @Test
  void sockstatTcpMatchesAnIndependentReadTakenRightAfter() throws Exception {
    // Other processes open and close sockets, so retry (bounded) until two back-to-back reads
    // see the same moment.
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    long[] fromSource;
    long[] fromFile;
    do {
      NodeStats s = source.read();
      fromSource =
          new long[] {
            s.sockstat("TCP", "inuse").orElseThrow(), s.sockstat("TCP", "tw").orElseThrow()
          };
      String raw = Files.readString(Path.of("/proc/net/sockstat"));
      fromFile = new long[] {field(raw, "TCP:", "inuse"), field(raw, "TCP:", "tw")};
    } while (!java.util.Arrays.equals(fromSource, fromFile) && System.nanoTime() < deadline);
    assertThat(fromSource).containsExactly(fromFile);
  }

  @Test
  void tcpMemIsThreeIncreasingPageCounts() {
    TcpMemLimits mem = source.read().tunables().tcpMem().orElseThrow();
    assertThat(mem.minPages()).isPositive();
    assertThat(mem.pressurePages()).isGreaterThan(mem.minPages());
    assertThat(mem.maxPages()).isGreaterThan(mem.pressurePages());
  }

  @Test
  void sysctlsMatchTheSysctlCommand() throws Exception {
    KernelTunables t = source.read().tunables();
    List<String> values =
        run(
            "sysctl",
            "-n",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_tw_reuse",
            "net.ipv4.tcp_max_orphans",
            "net.ipv4.tcp_max_tw_buckets");
    String[] range = values.get(0).trim().split("\\s+");
    assertThat(t.localPortRange())
        .hasValue(new PortRange(Integer.parseInt(range[0]), Integer.parseInt(range[1])));
    assertThat(t.keepaliveTimeSeconds()).hasValue(Long.parseLong(values.get(1).trim()));
    assertThat(t.keepaliveIntervalSeconds()).hasValue(Long.parseLong(values.get(2).trim()));
    assertThat(t.keepaliveProbes()).hasValue(Long.parseLong(values.get(3).trim()));
    assertThat(t.finTimeoutSeconds()).hasValue(Long.parseLong(values.get(4).trim()));
    assertThat(t.twReuse()).hasValue(Long.parseLong(values.get(5).trim()));
    assertThat(t.tcpMaxOrphans()).hasValue(Long.parseLong(values.get(6).trim()));
    assertThat(t.maxTwBuckets()).hasValue(Long.parseLong(values.get(7).trim()));
  }

  @Test
  void activeOpensCountsAConnectionThisTestMakes() throws Exception {
    long before = source.read().snmp("Tcp", "ActiveOpens").orElseThrow();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket()) {
      client.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5000);
    }
    long after = source.read().snmp("Tcp", "ActiveOpens").orElseThrow();
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void everyCounterFileOfThisKernelIsReadWithoutProblems() {
    NodeStats s = source.read();
    assertThat(s.unavailable())
        .extracting(Unavailable::item)
        .noneMatch(item -> item.startsWith("/proc/net/") && !item.contains("nf_conntrack"));
    assertThat(s.snmp().keySet()).contains("Ip", "Tcp", "Udp");
    assertThat(s.netstat().keySet()).contains("TcpExt", "IpExt");
    assertThat(s.netstat("TcpExt", "ListenOverflows")).isPresent();
  }

  /** The number after {@code name} on the line starting with {@code section}. */
  private static long field(String text, String section, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(section + " ")) {
        String rest = line.substring(section.length());
        int at = rest.indexOf(" " + name + " ");
        String tail = rest.substring(at + name.length() + 2);
        int end = tail.indexOf(' ');
        return Long.parseLong(end < 0 ? tail : tail.substring(0, end));
      }
    }
    throw new AssertionError(section + " not in " + text);
  }

  private static List<String> run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return out.lines().toList();
    } finally {
      p.destroy();
    }
  }
}
