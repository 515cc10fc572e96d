package io.sockwatch.kernel.sockdiag;

import static io.sockwatch.kernel.sockdiag.NetlinkBytes.attr;
import static io.sockwatch.kernel.sockdiag.NetlinkBytes.cstring;
import static io.sockwatch.kernel.sockdiag.NetlinkBytes.rawAttr;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_CONG;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_INFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_SKMEMINFO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sockwatch.kernel.sockdiag.SockDiagParser.Outcome;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SockDiagParserTest {

  private final SockDiagParser parser = new SockDiagParser();
  private final List<SocketRecord> out = new ArrayList<>();

  private Outcome parse(byte[] bytes) {
    return parser.parse(bytes, bytes.length, out);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = SockDiagParserTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /** The dump recorded on Linux 6.18 (see the README next to it), checked against ss. */
  @Nested
  class Recorded618 {

    private List<SocketRecord> parseBoth() throws IOException {
      for (String family : List.of("inet", "inet6")) {
        SockDiagParser p = new SockDiagParser();
        byte[] bytes = resource("dump-6.18-" + family + ".bin");
        assertThat(p.parse(bytes, bytes.length, out)).isEqualTo(Outcome.DONE);
        assertThat(p.problems().isEmpty()).as(family + " problems").isTrue();
      }
      return out;
    }

    private SocketRecord find(String tupleKey) throws IOException {
      return parseBoth().stream()
          .filter(r -> r.tupleKey().equals(tupleKey))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no socket " + tupleKey + " in " + out));
    }

    @Test
    void socketsAreExactlyThoseSsListed() throws IOException {
      Set<String> ss =
          SsTan.parse(new String(resource("dump-6.18.ss-tan.txt"), StandardCharsets.UTF_8));
      Set<String> parsed =
          parseBoth().stream().map(SocketRecord::tupleKey).collect(Collectors.toSet());
      assertThat(parsed).hasSize(12).containsExactlyInAnyOrderElementsOf(ss);
    }

    @Test
    void establishedIpv4ClientMatchesSsDetails() throws IOException {
      // ss -tiem: ino:2212817 sk:f523a rto:204 rtt:0.025/0.014 mss:35328 rcvmss:536
      // advmss:65483 cwnd:11 bytes_sent:1000 bytes_acked:1001 bytes_received:200 segs_out:4
      // segs_in:3 data_segs_out:1 data_segs_in:1 pmtu:65535 minrtt:0.011 snd_wnd:70656
      // skmem:(r0,rb131072,t0,tb3939840,f0,w0,o0,bl0,d0) bbr
      SocketRecord r = find("ESTAB 127.0.0.1:60038 127.0.0.1:36219");
      assertThat(r.family()).isEqualTo(AddressFamily.INET);
      assertThat(r.localAddress()).isEqualTo(IpAddress.ofV4(0x7f000001));
      assertThat(r.inode()).isEqualTo(2212817);
      assertThat(r.cookie()).isEqualTo(0xf523aL);
      assertThat(r.uid()).isZero();
      assertThat(r.interfaceIndex()).isZero();
      assertThat(r.receiveQueue()).isZero();
      assertThat(r.sendQueue()).isZero();
      assertThat(r.timer()).isEqualTo(SocketTimer.OFF);
      assertThat(r.congestion()).isEqualTo("bbr");
      assertThat(r.skMem()).isEqualTo(new SkMemInfo(0, 131072, 0, 3939840, 0, 0, 0, 0, 0));
      TcpInfo t = r.tcpInfo();
      assertThat(t.length()).isEqualTo(280);
      assertThat(t.get(TcpInfoField.STATE)).isEqualTo(1);
      assertThat(t.get(TcpInfoField.RTO)).isEqualTo(204_000);
      assertThat(t.rttMicros()).isEqualTo(25);
      assertThat(t.get(TcpInfoField.RTTVAR)).isEqualTo(14);
      assertThat(t.get(TcpInfoField.SND_MSS)).isEqualTo(35328);
      assertThat(t.get(TcpInfoField.RCV_MSS)).isEqualTo(536);
      assertThat(t.get(TcpInfoField.ADVMSS)).isEqualTo(65483);
      assertThat(t.get(TcpInfoField.PMTU)).isEqualTo(65535);
      assertThat(t.get(TcpInfoField.SND_CWND)).isEqualTo(11);
      assertThat(t.get(TcpInfoField.BYTES_SENT)).isEqualTo(1000);
      assertThat(t.get(TcpInfoField.BYTES_ACKED)).isEqualTo(1001);
      assertThat(t.get(TcpInfoField.BYTES_RECEIVED)).isEqualTo(200);
      assertThat(t.get(TcpInfoField.SEGS_OUT)).isEqualTo(4);
      assertThat(t.get(TcpInfoField.SEGS_IN)).isEqualTo(3);
      assertThat(t.get(TcpInfoField.DATA_SEGS_OUT)).isEqualTo(1);
      assertThat(t.get(TcpInfoField.DATA_SEGS_IN)).isEqualTo(1);
      assertThat(t.get(TcpInfoField.MIN_RTT)).isEqualTo(11);
      assertThat(t.get(TcpInfoField.SND_WND)).isEqualTo(70656);
      assertThat(t.totalRetrans()).isZero();
      assertThat(t.get(TcpInfoField.TOTAL_RTO)).isZero();
    }

    @Test
    void listenerHasBacklogInSendQueue() throws IOException {
      SocketRecord r = find("LISTEN 127.0.0.1:36219 0.0.0.0:0");
      assertThat(r.inode()).isEqualTo(2212816);
      assertThat(r.cookie()).isEqualTo(0xf5239L);
      assertThat(r.sendQueue()).isEqualTo(50);
      assertThat(r.receiveQueue()).isZero();
      assertThat(r.remoteAddress()).isEqualTo(IpAddress.V4_ANY);
      assertThat(r.skMem()).isEqualTo(new SkMemInfo(0, 131072, 0, 16384, 0, 0, 0, 0, 0));
    }

    @Test
    void timeWaitAndOrphanedFinWait2CarryOnlyBaseFields() throws IOException {
      for (String key :
          List.of(
              "TIME-WAIT 127.0.0.1:60044 127.0.0.1:36219",
              "FIN-WAIT-2 127.0.0.1:60060 127.0.0.1:36219")) {
        SocketRecord r = find(key);
        out.clear();
        assertThat(r.timer()).isEqualTo(SocketTimer.TIME_WAIT);
        // ss printed timer:(timewait,58sec,0) just after the dump.
        assertThat(r.timerExpiresMillis()).isBetween(57_000L, 60_000L);
        assertThat(r.inode()).isZero();
        assertThat(r.uid()).as("no owner, so no uid").isEqualTo(SocketRecord.ABSENT);
        assertThat(r.tcpInfo()).isSameAs(TcpInfo.NONE);
        assertThat(r.skMem()).isSameAs(SkMemInfo.NONE);
        assertThat(r.congestion()).isEmpty();
      }
      assertThat(find("TIME-WAIT 127.0.0.1:60044 127.0.0.1:36219").cookie()).isEqualTo(0xf523bL);
    }

    @Test
    void closeWaitShowsTheUnreadFin() throws IOException {
      // ss: CLOSE-WAIT Recv-Q 1, skmem:(r832,rb131072,t0,tb3939840,f3264,...)
      SocketRecord r = find("CLOSE-WAIT 127.0.0.1:36219 127.0.0.1:60060");
      assertThat(r.receiveQueue()).isEqualTo(1);
      assertThat(r.inode()).isEqualTo(2212822);
      assertThat(r.cookie()).isEqualTo(0x101aL);
      assertThat(r.skMem().rmemAlloc()).isEqualTo(832);
      assertThat(r.skMem().fwdAlloc()).isEqualTo(3264);
    }

    @Test
    void ipv6AndMappedSocketsComeFromTheInet6Dump() throws IOException {
      SocketRecord v6 = find("ESTAB [::1]:47414 [::1]:32881");
      assertThat(v6.family()).isEqualTo(AddressFamily.INET6);
      assertThat(v6.localAddress()).isEqualTo(IpAddress.ofV6(0, 1));
      assertThat(v6.inode()).isEqualTo(2212824);
      assertThat(v6.cookie()).isEqualTo(0x101fL);
      assertThat(v6.tcpInfo().get(TcpInfoField.PMTU)).isEqualTo(65536);
      assertThat(v6.tcpInfo().get(TcpInfoField.ADVMSS)).isEqualTo(65464);

      SocketRecord mapped = find("ESTAB [::ffff:127.0.0.1]:44633 [::ffff:127.0.0.1]:40572");
      assertThat(mapped.family()).isEqualTo(AddressFamily.INET6);
      assertThat(mapped.localAddress().isV4Mapped()).isTrue();
      assertThat(mapped.inode()).isEqualTo(2212828);

      SocketRecord dualStack = find("LISTEN [::]:44633 [::]:0");
      assertThat(dualStack.localAddress()).isEqualTo(IpAddress.V6_ANY);
      assertThat(dualStack.inode()).isEqualTo(2212826);
    }

    @Test
    void congestionNamesAreSharedWithinADump() throws IOException {
      byte[] bytes = resource("dump-6.18-inet.bin");
      parser.parse(bytes, bytes.length, out);
      List<String> names =
          out.stream().map(SocketRecord::congestion).filter(c -> !c.isEmpty()).toList();
      assertThat(names).hasSize(5).allMatch(n -> n == names.get(0));
    }

    @Test
    void cutAnywhereKeepsEveryWholeMessageAndReportsTheCut() throws IOException {
      byte[] whole = resource("dump-6.18-inet.bin");
      SockDiagParser reference = new SockDiagParser();
      List<SocketRecord> all = new ArrayList<>();
      reference.parse(whole, whole.length, all);
      for (int cut = 0; cut < whole.length - 20; cut += 7) {
        SockDiagParser p = new SockDiagParser();
        List<SocketRecord> some = new ArrayList<>();
        assertThat(p.parse(whole, cut, some)).isEqualTo(Outcome.MORE);
        assertThat(some).isEqualTo(all.subList(0, some.size()));
        assertThat(p.problems().truncatedMessages()).isEqualTo(cut == 0 ? 0 : 1 - whole(cut));
      }
    }

    /** 1 if {@code cut} falls exactly on a message boundary of the inet fixture, else 0. */
    private int whole(int cut) throws IOException {
      byte[] bytes = resource("dump-6.18-inet.bin");
      for (int off = 0; off < bytes.length; ) {
        if (off == cut) {
          return 1;
        }
        off += ByteBuffer.wrap(bytes, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      }
      return 0;
    }
  }

  @ParameterizedTest(name = "tcp_info of {0} bytes")
  @ValueSource(ints = {0, 104, 232, 248, 280, 320})
  void tcpInfoFieldsArePresentExactlyWhenTheyFit(int length) {
    // Every byte of the payload is derived from its offset (1..127, so u64 fields stay below
    // 2^63), so each field decodes to a value fixed by its position: a wrong offset or width
    // shows up as a wrong number.
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) (i % 127 + 1);
    }
    parse(
        new NetlinkBytes()
            .socket(new NetlinkBytes.Socket(), attr(INET_DIAG_INFO, payload))
            .bytes());

    TcpInfo t = out.getFirst().tcpInfo();
    assertThat(t.length()).isEqualTo(length);
    assertThat(t.isPresent()).isEqualTo(length > 0);
    for (TcpInfoField f : TcpInfoField.values()) {
      if (f.offset() + f.width() <= length) {
        long expected = 0;
        for (int i = f.width() - 1; i >= 0; i--) {
          expected = expected << 8 | (payload[f.offset() + i] & 0xff);
        }
        assertThat(t.get(f)).as(f + " in " + length).isEqualTo(expected);
      } else {
        assertThat(t.get(f)).as(f + " in " + length).isEqualTo(TcpInfo.ABSENT);
      }
    }
    assertThat(parser.problems().isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "skmem of {0} bytes")
  @ValueSource(ints = {0, 3, 4, 12, 35, 36, 44})
  void skMemFieldsBeyondTheArrayAreAbsent(int length) {
    byte[] payload = new byte[length];
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i + 4 <= length; i += 4) {
      b.putInt(i, 100 + i / 4);
    }
    parse(
        new NetlinkBytes()
            .socket(new NetlinkBytes.Socket(), attr(INET_DIAG_SKMEMINFO, payload))
            .bytes());

    SkMemInfo m = out.getFirst().skMem();
    long[] got = {
      m.rmemAlloc(),
      m.rcvBuf(),
      m.wmemAlloc(),
      m.sndBuf(),
      m.fwdAlloc(),
      m.wmemQueued(),
      m.optMem(),
      m.backlog(),
      m.drops()
    };
    for (int i = 0; i < got.length; i++) {
      assertThat(got[i])
          .as("field " + i)
          .isEqualTo((i + 1) * 4 <= length ? 100 + i : TcpInfo.ABSENT);
    }
  }

  @Test
  void readsEveryBaseFieldAtItsOffset() {
    NetlinkBytes.Socket s = new NetlinkBytes.Socket();
    s.family = 10;
    s.state = 8;
    s.timer = 2;
    s.retrans = 3;
    s.sport = 65535;
    s.dport = 1;
    s.src = IpAddress.parse("2001:db8::1").toBytes();
    s.dst = IpAddress.parse("fe80::2").toBytes();
    s.ifindex = 7;
    s.cookie = 0xfedcba9876543210L;
    s.expires = -1;
    s.rqueue = 5;
    s.wqueue = 6;
    s.uid = -2; // 4294967294, nobody on some systems
    s.inode = 0x80000001;
    parse(new NetlinkBytes().socket(s).done(0).bytes());

    SocketRecord r = out.getFirst();
    assertThat(r.family()).isEqualTo(AddressFamily.INET6);
    assertThat(r.state()).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(r.timer()).isEqualTo(SocketTimer.KEEPALIVE);
    assertThat(r.timerRetransmits()).isEqualTo(3);
    assertThat(r.localPort()).isEqualTo(65535);
    assertThat(r.remotePort()).isEqualTo(1);
    assertThat(r.localAddress()).isEqualTo(IpAddress.parse("2001:db8::1"));
    assertThat(r.remoteAddress()).isEqualTo(IpAddress.parse("fe80::2"));
    assertThat(r.interfaceIndex()).isEqualTo(7);
    assertThat(r.cookie()).isEqualTo(0xfedcba9876543210L);
    assertThat(r.timerExpiresMillis()).isEqualTo(0xffffffffL);
    assertThat(r.receiveQueue()).isEqualTo(5);
    assertThat(r.sendQueue()).isEqualTo(6);
    assertThat(r.uid()).isEqualTo(4294967294L);
    assertThat(r.inode()).isEqualTo(0x80000001L);
    assertThat(r.tcpInfo()).isSameAs(TcpInfo.NONE);
    assertThat(r.skMem()).isSameAs(SkMemInfo.NONE);
    assertThat(r.congestion()).isEmpty();
  }

  @Test
  void repeatedAddressesAreReusedWithoutMixingThemUp() {
    NetlinkBytes bytes = new NetlinkBytes();
    String[][] pairs = {
      {"127.0.0.1", "127.0.0.1"}, {"127.0.0.1", "10.0.0.1"}, {"::1", "::1"}, {"0.0.0.1", "::"}
    };
    for (String[] p : pairs) {
      NetlinkBytes.Socket s = new NetlinkBytes.Socket();
      IpAddress local = IpAddress.parse(p[0]);
      IpAddress remote = IpAddress.parse(p[1]);
      // One family per message, as the kernel sends them: IPv4 in the AF_INET dump only.
      s.family = local.v6() || remote.v6() ? 10 : 2;
      s.src =
          s.family == 10 && !local.v6() ? IpAddress.ofV6(0, local.lo()).toBytes() : local.toBytes();
      s.dst =
          s.family == 10 && !remote.v6()
              ? IpAddress.ofV6(0, remote.lo()).toBytes()
              : remote.toBytes();
      bytes.socket(s);
    }
    parse(bytes.bytes());

    assertThat(out)
        .extracting(r -> r.localAddress() + " " + r.remoteAddress())
        .containsExactly("127.0.0.1 127.0.0.1", "127.0.0.1 10.0.0.1", "::1 ::1", "::1 ::");
    assertThat(out.get(1).localAddress()).isSameAs(out.get(0).localAddress());
  }

  @Test
  void congestionNameEndsAtNulOrPayloadEndAndIsInterned() {
    NetlinkBytes bytes = new NetlinkBytes();
    bytes.socket(new NetlinkBytes.Socket(), attr(INET_DIAG_CONG, cstring("cubic")));
    bytes.socket(
        new NetlinkBytes.Socket(),
        attr(INET_DIAG_CONG, "cubic".getBytes(StandardCharsets.US_ASCII)));
    bytes.socket(new NetlinkBytes.Socket(), attr(INET_DIAG_CONG, cstring("bbr")));
    bytes.socket(new NetlinkBytes.Socket(), attr(INET_DIAG_CONG, new byte[] {0, 'x'}));
    parse(bytes.bytes());

    assertThat(out)
        .extracting(SocketRecord::congestion)
        .containsExactly("cubic", "cubic", "bbr", "");
    assertThat(out.get(1).congestion()).isSameAs(out.get(0).congestion());
  }

  @Test
  void unknownAttributesAndNestedFlagBitsDoNotMatter() {
    byte[] info = new byte[104];
    info[0] = 1;
    parse(
        new NetlinkBytes()
            .socket(
                new NetlinkBytes.Socket(),
                attr(99, new byte[13]),
                attr(0x8000 | INET_DIAG_INFO, info),
                attr(8, new byte[] {3}))
            .bytes());

    assertThat(out.getFirst().tcpInfo().length()).isEqualTo(104);
    assertThat(parser.problems().isEmpty()).isTrue();
  }

  @Test
  void attributeOverrunningItsMessageKeepsBaseFieldsAndEarlierAttributes() {
    parse(
        new NetlinkBytes()
            .socket(
                new NetlinkBytes.Socket(),
                attr(INET_DIAG_CONG, cstring("cubic")),
                rawAttr(400, INET_DIAG_INFO, new byte[8]))
            .socket(new NetlinkBytes.Socket())
            .bytes());

    assertThat(out).hasSize(2);
    SocketRecord r = out.getFirst();
    assertThat(r.inode()).isEqualTo(4242);
    assertThat(r.congestion()).isEqualTo("cubic");
    assertThat(r.tcpInfo()).isSameAs(TcpInfo.NONE);
    assertThat(parser.problems().truncatedAttributes()).isEqualTo(1);
  }

  @Test
  void attributeShorterThanItsHeaderStopsTheAttributes() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            parse(
                new NetlinkBytes()
                    .socket(new NetlinkBytes.Socket(), rawAttr(0, INET_DIAG_INFO, new byte[8]))
                    .bytes()));
    assertThat(out).hasSize(1);
    assertThat(parser.problems().truncatedAttributes()).isEqualTo(1);
  }

  @Test
  void truncatedLastMessageIsReportedAndTheDumpGoesOn() {
    byte[] bytes =
        new NetlinkBytes()
            .socket(new NetlinkBytes.Socket())
            .socket(new NetlinkBytes.Socket(), attr(INET_DIAG_INFO, new byte[280]))
            .bytes();
    Outcome outcome = parser.parse(bytes, bytes.length - 100, out);

    assertThat(outcome).isEqualTo(Outcome.MORE);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().truncatedMessages()).isEqualTo(1);
    assertThat(parser.problems().toUnavailable("IPv4 sockets"))
        .extracting(Object::toString)
        .containsExactly("IPv4 sockets: 1 × truncated netlink message (sockets may be missing)");
  }

  @Test
  void trailingBytesTooShortForAHeaderCountAsTruncation() {
    byte[] bytes =
        Arrays.copyOf(new NetlinkBytes().socket(new NetlinkBytes.Socket()).bytes(), 88 + 10);
    assertThat(parse(bytes)).isEqualTo(Outcome.MORE);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().truncatedMessages()).isEqualTo(1);
  }

  @Test
  void zeroLengthMessageFailsInsteadOfLooping() {
    byte[] bytes =
        new NetlinkBytes().socket(new NetlinkBytes.Socket()).message(0, 20, new byte[100]).bytes();
    Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> parse(bytes));

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().failure()).isEqualTo("malformed netlink message (length 0)");
  }

  @Test
  void hugeLengthIsATruncationNotAnOutOfBoundsRead() {
    byte[] bytes = new NetlinkBytes().message(-4, 20, new byte[200]).bytes();
    assertThat(parse(bytes)).isEqualTo(Outcome.MORE);
    assertThat(out).isEmpty();
    assertThat(parser.problems().truncatedMessages()).isEqualTo(1);
  }

  @Test
  void socketMessageTooShortForInetDiagMsgIsSkipped() {
    byte[] bytes =
        new NetlinkBytes().message(40, 20, new byte[24]).socket(new NetlinkBytes.Socket()).bytes();
    assertThat(parse(bytes)).isEqualTo(Outcome.MORE);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().malformedMessages()).isEqualTo(1);
  }

  @Test
  void unknownFamilyIsSkippedAndCounted() {
    NetlinkBytes.Socket unix = new NetlinkBytes.Socket();
    unix.family = 1;
    parse(new NetlinkBytes().socket(unix).socket(new NetlinkBytes.Socket()).bytes());
    assertThat(out).hasSize(1);
    assertThat(parser.problems().unknownFamilies()).isEqualTo(1);
  }

  @Test
  void unknownStateCodeBecomesUnknown() {
    NetlinkBytes.Socket s = new NetlinkBytes.Socket();
    s.state = 200;
    s.timer = 9;
    parse(new NetlinkBytes().socket(s).bytes());
    assertThat(out.getFirst().state()).isEqualTo(TcpState.UNKNOWN);
    assertThat(out.getFirst().timer()).isEqualTo(SocketTimer.UNKNOWN);
  }

  @Test
  void unknownMessageTypesAreSkipped() {
    byte[] bytes =
        new NetlinkBytes()
            .message(24, 1, new byte[8]) // NLMSG_NOOP
            .message(20, 77, new byte[4])
            .socket(new NetlinkBytes.Socket())
            .bytes();
    assertThat(parse(bytes)).isEqualTo(Outcome.MORE);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().isEmpty()).isTrue();
  }

  @Test
  void doneEndsTheDumpAndIgnoresWhatFollows() {
    byte[] bytes =
        new NetlinkBytes()
            .socket(new NetlinkBytes.Socket())
            .done(0)
            .socket(new NetlinkBytes.Socket())
            .bytes();
    assertThat(parse(bytes)).isEqualTo(Outcome.DONE);
    assertThat(out).hasSize(1);
    assertThat(parser.problems().isEmpty()).isTrue();
  }

  @Test
  void doneWithNegativeStatusReportsAnEarlyEnd() {
    assertThat(parse(new NetlinkBytes().done(-4).bytes())).isEqualTo(Outcome.DONE);
    assertThat(parser.problems().failure())
        .isEqualTo("the kernel ended the dump early: Interrupted system call (EINTR)");
  }

  @Test
  void errorMessageFailsWithTheErrnoInWords() {
    assertThat(parse(new NetlinkBytes().error(-1).bytes())).isEqualTo(Outcome.FAILED);
    assertThat(parser.problems().failure())
        .isEqualTo("the kernel refused the dump: Operation not permitted (EPERM)");
    assertThat(parser.problems().toUnavailable("IPv6 sockets"))
        .extracting(Object::toString)
        .containsExactly(
            "IPv6 sockets: the kernel refused the dump: Operation not permitted (EPERM)");
  }

  @Test
  void unnamedErrnoStillGetsItsNumber() {
    assertThat(parse(new NetlinkBytes().error(-200).bytes())).isEqualTo(Outcome.FAILED);
    assertThat(parser.problems().failure()).isEqualTo("the kernel refused the dump: errno 200");
  }

  @Test
  void errorZeroIsAnAcknowledgementThatEndsTheRequest() {
    assertThat(parse(new NetlinkBytes().error(0).bytes())).isEqualTo(Outcome.DONE);
    assertThat(parser.problems().isEmpty()).isTrue();
  }

  @Test
  void errorMessageWithoutItsCodeIsMalformed() {
    assertThat(parse(new NetlinkBytes().message(16, 2, new byte[0]).bytes()))
        .isEqualTo(Outcome.FAILED);
    assertThat(parser.problems().malformedMessages()).isEqualTo(1);
  }

  @Test
  void lengthBeyondTheBufferIsTheCallersBug() {
    assertThatThrownBy(() -> parser.parse(new byte[10], 11, out))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void emptyBufferAsksForMore() {
    assertThat(parse(new byte[0])).isEqualTo(Outcome.MORE);
    assertThat(parser.problems().isEmpty()).isTrue();
  }
}
