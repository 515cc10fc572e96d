package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes every procfs parser with arbitrary bytes: none may throw (except the documented {@link
 * ProcFormatException} of the sysctl parsers), and what they return must be plausible. Runs the
 * seeds in {@code ProcfsParsersFuzzTestInputs/} in a normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ProcfsParsersFuzzTest {

  private static final int ALL = ScanRequest.all().kernelStateMask();
  private static final int LISTEN_ONLY =
      new ScanRequest(EnumSet.of(TcpState.LISTEN), false).kernelStateMask();

  @FuzzTest
  void procNetTcp(byte[] data) {
    for (AddressFamily family : AddressFamily.values()) {
      List<SocketRecord> out = new ArrayList<>();
      ProcNetTcpParser.Result r = ProcNetTcpParser.parse(data, data.length, family, ALL, out);
      assertThat(r.rows()).isEqualTo(out.size());
      assertThat(r.badLines()).isNotNegative();
      assertThat(r.firstBadLine() == 0).isEqualTo(r.badLines() == 0);
      assertThat(r.truncated()).isEqualTo(data.length > 0 && data[data.length - 1] != '\n');
      for (SocketRecord s : out) {
        assertPlausible(s, family);
      }
      List<SocketRecord> listening = new ArrayList<>();
      ProcNetTcpParser.parse(data, data.length, family, LISTEN_ONLY, listening);
      assertThat(listening).allMatch(s -> s.state() == TcpState.LISTEN);
      assertThat(listening)
          .hasSize((int) out.stream().filter(s -> s.state() == TcpState.LISTEN).count());
    }
  }

  private static void assertPlausible(SocketRecord s, AddressFamily family) {
    assertThat(s.family()).isEqualTo(family);
    assertThat(s.state()).isNotNull();
    assertThat(s.timer()).isNotNull();
    assertThat(s.localAddress().v6()).isEqualTo(family == AddressFamily.INET6);
    assertThat(s.remoteAddress().v6()).isEqualTo(family == AddressFamily.INET6);
    assertThat(s.localPort()).isBetween(0, 65535);
    assertThat(s.remotePort()).isBetween(0, 65535);
    assertThat(s.timerRetransmits()).isNotNegative();
    assertThat(s.timerExpiresMillis()).isNotNegative();
    assertThat(s.receiveQueue()).isNotNegative();
    assertThat(s.sendQueue()).isGreaterThanOrEqualTo(SocketRecord.ABSENT);
    assertThat(s.uid()).isGreaterThanOrEqualTo(SocketRecord.ABSENT);
    assertThat(s.inode()).isNotNegative();
    assertThat(s.cookie()).isEqualTo(SocketRecord.ABSENT);
  }

  @FuzzTest
  void sockstat(byte[] data) {
    assertWellFormed(SockstatParser.parse(latin1(data)), latin1(data));
  }

  @FuzzTest
  void snmp(byte[] data) {
    assertWellFormed(SnmpParser.parse(latin1(data)), latin1(data));
  }

  @FuzzTest
  void nfConntrackStat(byte[] data) {
    ParsedCounters p = NfConntrackStatParser.parse(latin1(data));
    assertWellFormed(p, latin1(data));
    p.sections().values().forEach(m -> assertThat(m.values()).allMatch(v -> v >= 0));
  }

  @FuzzTest
  void reservedPorts(byte[] data) {
    try {
      List<PortRange> ranges = SysctlParser.reservedPorts(latin1(data));
      for (PortRange r : ranges) {
        assertThat(r.low()).isBetween(0, 65535);
        assertThat(r.high()).isBetween(r.low(), 65535);
      }
    } catch (ProcFormatException e) {
      assertThat(e.getMessage()).matches("(truncated|unrecognised format): [\\x20-\\x7e]+");
    }
  }

  @FuzzTest
  void sysctlNumbers(byte[] data) {
    String text = latin1(data);
    try {
      assertThat(SysctlParser.tcpMem(text).minPages()).isNotNegative();
    } catch (ProcFormatException e) {
      assertThat(e.getMessage()).matches("(truncated|unrecognised format): [\\x20-\\x7e]+");
    }
    try {
      PortRange r = SysctlParser.portRange(text);
      assertThat(r.low()).isBetween(0, r.high());
    } catch (ProcFormatException e) {
      assertThat(e.getMessage()).matches("(truncated|unrecognised format): [\\x20-\\x7e]+");
    }
  }

  private static void assertWellFormed(ParsedCounters p, String text) {
    assertThat(p.truncated()).isEqualTo(!text.isEmpty() && !text.endsWith("\n"));
    for (Map.Entry<String, Map<String, Long>> section : p.sections().entrySet()) {
      assertThat(TextLines.isName(section.getKey())).isTrue();
      assertThat(section.getValue()).isNotEmpty();
      assertThat(section.getValue().keySet()).allMatch(TextLines::isName);
    }
    assertThat(p.problems()).allMatch(m -> m.matches("line \\d+: [\\x20-\\x7e]+"));
  }

  private static String latin1(byte[] data) {
    return new String(data, StandardCharsets.ISO_8859_1);
  }
}
