package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcNetTcpParserTest {

  private static final int ALL = ScanRequest.all().kernelStateMask();
  private static final String HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
          + " inode\n";

  private static List<SocketRecord> parseFixture(String file, AddressFamily family) {
    byte[] data = Fixture618.bytes("proc/net/" + file);
    List<SocketRecord> out = new ArrayList<>();
    ProcNetTcpParser.Result r = ProcNetTcpParser.parse(data, data.length, family, ALL, out);
    assertThat(r.badLines()).isZero();
    assertThat(r.firstBadLine()).isZero();
    assertThat(r.truncated()).isFalse();
    assertThat(r.rows()).isEqualTo(out.size());
    return out;
  }

  private static SocketRecord find(List<SocketRecord> rows, String tupleKey) {
    return rows.stream()
        .filter(s -> s.tupleKey().equals(tupleKey))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + tupleKey + " in " + rows));
  }

  private static ParsedRows parse(String text, AddressFamily family, int mask) {
    byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
    List<SocketRecord> out = new ArrayList<>();
    ProcNetTcpParser.Result r = ProcNetTcpParser.parse(data, data.length, family, mask, out);
    return new ParsedRows(r, out);
  }

  private record ParsedRows(ProcNetTcpParser.Result result, List<SocketRecord> rows) {}

  @Test
  void fixtureTcpHasEveryRecordedRowWithExactValues() {
    List<SocketRecord> rows = parseFixture("tcp", AddressFamily.INET);
    assertThat(rows).hasSize(13).allMatch(s -> s.family() == AddressFamily.INET);

    SocketRecord listener = find(rows, "LISTEN 127.0.0.1:8080 0.0.0.0:0");
    assertThat(listener.receiveQueue()).as("accept queue").isEqualTo(2);
    assertThat(listener.sendQueue()).as("backlog is not in /proc").isEqualTo(SocketRecord.ABSENT);
    assertThat(listener.inode()).isEqualTo(2209768);
    assertThat(listener.uid()).isZero();
    assertThat(listener.timer()).isEqualTo(SocketTimer.OFF);
    assertThat(listener.timerExpiresMillis()).isZero();

    SocketRecord keepalive = find(rows, "ESTAB 127.0.0.1:41000 127.0.0.1:8080");
    assertThat(keepalive.timer()).isEqualTo(SocketTimer.KEEPALIVE);
    assertThat(keepalive.timerExpiresMillis()).isEqualTo(0xAFC1BL * 10);
    assertThat(keepalive.timerRetransmits()).isZero();
    assertThat(keepalive.inode()).isEqualTo(2209769);
    assertThat(keepalive.sendQueue()).isZero();

    SocketRecord unread = find(rows, "ESTAB 127.0.0.1:8080 127.0.0.1:41000");
    assertThat(unread.receiveQueue()).isEqualTo(1000);
    assertThat(unread.inode()).isEqualTo(2209770);

    SocketRecord queuedChild = find(rows, "ESTAB 127.0.0.1:8080 127.0.0.1:41006");
    assertThat(queuedChild.inode()).as("not yet accepted: no file").isZero();

    assertThat(find(rows, "ESTAB 127.0.0.1:41007 127.0.0.1:8080").uid()).isEqualTo(65534);

    SocketRecord closeWait = find(rows, "CLOSE-WAIT 127.0.0.2:8081 127.0.0.3:41001");
    assertThat(closeWait.receiveQueue()).as("the FIN counts as one byte").isEqualTo(1);
    assertThat(closeWait.inode()).isEqualTo(2209773);

    SocketRecord timeWait = find(rows, "TIME-WAIT 127.0.0.1:41002 127.0.0.1:8082");
    assertThat(timeWait.timer()).isEqualTo(SocketTimer.TIME_WAIT);
    assertThat(timeWait.timerExpiresMillis()).isEqualTo(0x1718L * 10);
    assertThat(timeWait.uid()).as("unknown for time-wait socks").isEqualTo(SocketRecord.ABSENT);
    assertThat(timeWait.inode()).isZero();
    assertThat(timeWait.receiveQueue()).isZero();
    assertThat(timeWait.sendQueue()).isZero();

    SocketRecord finWait2 = find(rows, "FIN-WAIT-2 127.0.0.3:41001 127.0.0.2:8081");
    assertThat(finWait2.timer())
        .as("an orphaned FIN-WAIT-2 is a time-wait sock")
        .isEqualTo(SocketTimer.TIME_WAIT);
    assertThat(finWait2.timerExpiresMillis()).isEqualTo(0x1708L * 10);
    assertThat(finWait2.uid()).isEqualTo(SocketRecord.ABSENT);

    assertThat(rows)
        .allSatisfy(
            s -> {
              assertThat(s.cookie()).isEqualTo(SocketRecord.ABSENT);
              assertThat(s.tcpInfo()).isSameAs(TcpInfo.NONE);
              assertThat(s.skMem()).isSameAs(SkMemInfo.NONE);
              assertThat(s.congestion()).isEmpty();
              assertThat(s.interfaceIndex()).isZero();
            });
  }

  @Test
  void fixtureTcp6HasV6AndV4MappedRows() {
    List<SocketRecord> rows = parseFixture("tcp6", AddressFamily.INET6);
    assertThat(rows).hasSize(7).allMatch(s -> s.family() == AddressFamily.INET6);

    assertThat(find(rows, "LISTEN [::1]:8443 [::]:0").inode()).isEqualTo(2209777);
    assertThat(find(rows, "LISTEN [::]:9090 [::]:0").inode()).isEqualTo(2209783);
    SocketRecord mapped = find(rows, "ESTAB [::ffff:127.0.0.1]:9090 [::ffff:127.0.0.1]:41005");
    assertThat(mapped.localAddress().isV4Mapped()).isTrue();
    assertThat(mapped.inode()).isEqualTo(2209785);
    assertThat(find(rows, "ESTAB [::1]:41003 [::1]:8443").receiveQueue()).isEqualTo(300);
    SocketRecord timeWait = find(rows, "TIME-WAIT [::1]:41004 [::1]:8444");
    assertThat(timeWait.timerExpiresMillis()).isEqualTo(0x16E5L * 10);
    assertThat(timeWait.uid()).isEqualTo(SocketRecord.ABSENT);
  }

  /** The recorded ss output is the ground truth for the same sockets at the same moment. */
  @Test
  void fixtureAgreesWithSsRecordedAtTheSameMoment() {
    List<SocketRecord> rows = new ArrayList<>(parseFixture("tcp", AddressFamily.INET));
    rows.addAll(parseFixture("tcp6", AddressFamily.INET6));
    List<SsRows.Row> ss = SsRows.parse(Fixture618.text("ss-tanoeH.txt"));
    assertThat(ss).hasSize(20);
    assertThat(rows.stream().map(SsRows::detailKey))
        .containsExactlyInAnyOrderElementsOf(ss.stream().map(SsRows.Row::detailKey).toList());
  }

  @Test
  void filtersByStateWithoutAllocatingSkippedRows() {
    byte[] data = Fixture618.bytes("proc/net/tcp");
    List<SocketRecord> out = new ArrayList<>();
    int mask = new ScanRequest(EnumSet.of(TcpState.LISTEN), false).kernelStateMask();
    ProcNetTcpParser.Result r =
        ProcNetTcpParser.parse(data, data.length, AddressFamily.INET, mask, out);
    assertThat(r.rows()).isEqualTo(3);
    assertThat(r.badLines()).isZero();
    assertThat(out).extracting(SocketRecord::localPort).containsExactly(8081, 8080, 8082);
  }

  @Test
  void requestSocketRowsMatchBothSynRecvStates() {
    // Shape of get_openreq4(): state 03, timer 1, the listener's uid, inode 0, no trailing columns.
    String text =
        HEADER
            + "   0: 0100007F:1F90 0100007F:A000 03 00000000:00000000 01:00000064 00000002  1000"
            + "        0 0 1 0000000000000000\n";
    for (TcpState wanted : List.of(TcpState.SYN_RECV, TcpState.NEW_SYN_RECV)) {
      int mask = new ScanRequest(EnumSet.of(wanted), false).kernelStateMask();
      ParsedRows p = parse(text, AddressFamily.INET, mask);
      assertThat(p.rows()).hasSize(1);
      SocketRecord s = p.rows().get(0);
      assertThat(s.state()).isEqualTo(TcpState.SYN_RECV);
      assertThat(s.timer()).isEqualTo(SocketTimer.RETRANSMIT);
      assertThat(s.timerExpiresMillis()).isEqualTo(1000);
      assertThat(s.timerRetransmits()).isEqualTo(2);
      assertThat(s.uid()).isEqualTo(1000);
      assertThat(s.inode()).isZero();
    }
    int established = new ScanRequest(EnumSet.of(TcpState.ESTABLISHED), false).kernelStateMask();
    assertThat(parse(text, AddressFamily.INET, established).rows()).isEmpty();
  }

  @Test
  void probeTimersTakeTheirCountFromTheTimeoutColumnAsSockDiagDoes() {
    String row =
        "   0: 0100007F:1F90 0100007F:A000 01 00000010:00000000 %s 00000005     0 %8d 77 2"
            + " 0000000000000000 20 4 0 10 -1\n";
    String keepalive = HEADER + row.formatted("02:00000100", 3);
    String probe0 = HEADER + row.formatted("04:00000100", 6);
    String retransmit = HEADER + row.formatted("01:00000100", 9);
    assertThat(parse(keepalive, AddressFamily.INET, ALL).rows().get(0).timerRetransmits())
        .isEqualTo(3);
    SocketRecord zeroWindow = parse(probe0, AddressFamily.INET, ALL).rows().get(0);
    assertThat(zeroWindow.timer()).isEqualTo(SocketTimer.ZERO_WINDOW_PROBE);
    assertThat(zeroWindow.timerRetransmits()).isEqualTo(6);
    SocketRecord rto = parse(retransmit, AddressFamily.INET, ALL).rows().get(0);
    assertThat(rto.timerRetransmits()).isEqualTo(5);
    assertThat(rto.sendQueue()).isEqualTo(16);
    assertThat(rto.timerExpiresMillis()).isEqualTo(2560);
  }

  @Test
  void decodesHostOrderWordsOfAnIpv6Address() {
    // 2001:db8::1 in network order is bytes 20 01 0d b8 ... 00 00 00 01; each printed word is
    // those four bytes read as a little-endian u32.
    String text =
        "   0: B80D0120000000000000000001000000:0050 b80d0120000000000000000002000000:C350 01"
            + " 00000000:00000000 00:00000000 00000000     0        0 42 1 0 20 4 30 10 -1\n";
    SocketRecord s = parse(text, AddressFamily.INET6, ALL).rows().get(0);
    assertThat(s.localAddress()).isEqualTo(IpAddress.parse("2001:db8::1"));
    assertThat(s.remoteAddress()).isEqualTo(IpAddress.parse("2001:db8::2"));
    assertThat(s.localPort()).isEqualTo(80);
    assertThat(s.remotePort()).isEqualTo(50000);
    assertThat(s.tupleKey()).isEqualTo("ESTAB [2001:db8::1]:80 [2001:db8::2]:50000");
  }

  @Test
  void ignoresColumnsANewerKernelMightAppend() {
    String text =
        HEADER
            + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
            + "        0 123 1 0000000000000000 100 0 0 10 0 extra columns 77 ff\n";
    ParsedRows p = parse(text, AddressFamily.INET, ALL);
    assertThat(p.result().badLines()).isZero();
    assertThat(p.rows()).singleElement().extracting(SocketRecord::inode).isEqualTo(123L);
  }

  @Test
  void truncatedLastLineIsIgnoredAndReported() {
    byte[] data = Fixture618.bytes("proc/net/tcp");
    int cut = indexOfNthNewline(data, 5) + 40; // inside the sixth line (the fifth row)
    List<SocketRecord> out = new ArrayList<>();
    ProcNetTcpParser.Result r = ProcNetTcpParser.parse(data, cut, AddressFamily.INET, ALL, out);
    assertThat(r.truncated()).isTrue();
    assertThat(r.badLines()).isZero();
    assertThat(out).hasSize(4);
  }

  @Test
  void aRowCutAfterTheInodeDigitsIsNotTrustedEvenWithinLength() {
    String text =
        HEADER
            + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000"
            + " 00000000     0        0 22097";
    ParsedRows p = parse(text, AddressFamily.INET, ALL);
    assertThat(p.result().truncated()).isTrue();
    assertThat(p.rows()).isEmpty();
  }

  @Test
  void garbledLinesAreSkippedAndCountedWithTheFirstLineNumber() {
    String good =
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0"
            + "        0 123 1 0000000000000000 100 0 0 10 0\n";
    String text =
        HEADER
            + good
            + "   1: 0100007F:1F90\n" // too few columns
            + "\n" // blank lines are not errors
            + "   2: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1\n"
            + "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 x 0 1\n"
            + "   4: 0100007F:1F9000 00000000:0000 0A 00000000:00000000 00:0 0 0 0 1\n"
            + "   5: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0"
            + " 1234567890123456789\n" // inode wider than any real one
            + good;
    ParsedRows p = parse(text, AddressFamily.INET, ALL);
    assertThat(p.rows()).hasSize(2);
    assertThat(p.result().badLines()).isEqualTo(5);
    assertThat(p.result().firstBadLine()).isEqualTo(3);
    assertThat(p.result().truncated()).isFalse();
  }

  @Test
  void anIpv4FileReadAsIpv6IsAllBadLinesNotWrongAddresses() {
    byte[] data = Fixture618.bytes("proc/net/tcp");
    List<SocketRecord> out = new ArrayList<>();
    ProcNetTcpParser.Result r =
        ProcNetTcpParser.parse(data, data.length, AddressFamily.INET6, ALL, out);
    assertThat(out).isEmpty();
    assertThat(r.badLines()).isEqualTo(13);
    assertThat(r.firstBadLine()).isEqualTo(2);
  }

  @Test
  void emptyInputAndHeaderOnlyGiveNoRows() {
    assertThat(parse("", AddressFamily.INET, ALL).result())
        .isEqualTo(new ProcNetTcpParser.Result(0, 0, 0, false));
    assertThat(parse(HEADER, AddressFamily.INET, ALL).result())
        .isEqualTo(new ProcNetTcpParser.Result(0, 0, 0, false));
  }

  @Test
  void lengthBeyondTheArrayIsRejected() {
    assertThatThrownBy(
            () ->
                ProcNetTcpParser.parse(new byte[4], 5, AddressFamily.INET, ALL, new ArrayList<>()))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static int indexOfNthNewline(byte[] data, int n) {
    int seen = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n' && ++seen == n) {
        return i;
      }
    }
    throw new AssertionError("fewer than " + n + " lines");
  }
}
