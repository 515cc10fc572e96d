package io.sockwatch.kernel.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.kernel.sockdiag.SockDiagParser.Outcome;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parser on hostile input: it may only return an outcome and count problems, never throw, never
 * read out of bounds, never loop (a loop shows up as a fuzzer timeout), and every record it emits
 * must be internally consistent. Seeds (the recorded 6.18 dumps and hand-made broken messages) live
 * in {@code SockDiagParserFuzzTestInputs/}; {@code mvn test} replays them, and {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class SockDiagParserFuzzTest {

  /** Arbitrary bytes as one receive. */
  @FuzzTest(maxDuration = "60s")
  void parse(byte[] data) {
    SockDiagParser parser = new SockDiagParser();
    List<SocketRecord> out = new ArrayList<>();
    Outcome outcome = parser.parse(data, data.length, out);
    check(parser, outcome, out, data.length);
  }

  /**
   * Mostly well-formed streams (real headers, real attribute types, lengths that are right or
   * slightly wrong) split over several receives, which random bytes rarely reach.
   */
  @FuzzTest(maxDuration = "60s")
  void parseStructured(FuzzedDataProvider data) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    int messages = data.consumeInt(0, 8);
    for (int i = 0; i < messages && b.remaining() > 2048; i++) {
      message(data, b);
    }
    byte[] stream = new byte[b.position()];
    b.get(0, stream);

    SockDiagParser parser = new SockDiagParser();
    List<SocketRecord> out = new ArrayList<>();
    Outcome outcome = Outcome.MORE;
    int off = 0;
    while (outcome == Outcome.MORE && off < stream.length) {
      int n = data.consumeInt(1, stream.length - off);
      byte[] reply = new byte[n];
      System.arraycopy(stream, off, reply, 0, n);
      off += n;
      outcome = parser.parse(reply, n, out);
    }
    check(parser, outcome, out, stream.length);
  }

  private static void message(FuzzedDataProvider data, ByteBuffer b) {
    int start = b.position();
    int type = data.pickValue(new int[] {20, 20, 20, 3, 2, 1, data.consumeInt()});
    b.putInt(0).putShort((short) type).putShort((short) 2).putInt(1).putInt(0);
    if (type == 20) {
      b.put((byte) data.pickValue(new int[] {2, 10, data.consumeInt(0, 255)}));
      b.put(data.consumeBytes(71));
      b.position(start + SockDiagProtocol.ATTRS_OFFSET);
      int attrs = data.consumeInt(0, 5);
      for (int a = 0; a < attrs; a++) {
        int attrType = data.pickValue(new int[] {2, 4, 7, 8, data.consumeInt(0, 0xffff)});
        byte[] payload = data.consumeBytes(data.consumeInt(0, 400));
        int attrLen = data.consumeBoolean() ? 4 + payload.length : data.consumeInt(0, 0xffff);
        b.putShort((short) attrLen).putShort((short) attrType).put(payload);
        b.position(start + SockDiagProtocol.align(b.position() - start));
      }
    } else {
      b.put(data.consumeBytes(data.consumeInt(0, 64)));
    }
    int length = b.position() - start;
    b.putInt(start, data.consumeBoolean() ? length : data.consumeInt());
    b.position(start + SockDiagProtocol.align(length));
  }

  private static void check(
      SockDiagParser parser, Outcome outcome, List<SocketRecord> out, int bytes) {
    assertThat(outcome).isNotNull();
    SockDiagProblems problems = parser.problems();
    if (outcome == Outcome.FAILED) {
      assertThat(problems.failure()).isNotBlank();
    }
    assertThat(out.size()).isLessThanOrEqualTo(bytes / SockDiagProtocol.ATTRS_OFFSET);
    for (SocketRecord r : out) {
      assertThat(r.family()).isNotNull();
      assertThat(r.state()).isNotNull();
      assertThat(r.timer()).isNotNull();
      assertThat(r.localPort()).isBetween(0, 65535);
      assertThat(r.remotePort()).isBetween(0, 65535);
      boolean v6 = r.family() == AddressFamily.INET6;
      assertThat(r.localAddress().v6()).isEqualTo(v6);
      assertThat(r.remoteAddress().v6()).isEqualTo(v6);
      assertThat(r.timerRetransmits()).isBetween(0, 255);
      for (long u32 :
          new long[] {r.timerExpiresMillis(), r.receiveQueue(), r.sendQueue(), r.inode()}) {
        assertThat(u32).isBetween(0L, 0xffffffffL);
      }
      if (r.timer() == SocketTimer.TIME_WAIT) {
        assertThat(r.uid()).isEqualTo(SocketRecord.ABSENT);
      } else {
        assertThat(r.uid()).isBetween(0L, 0xffffffffL);
      }
      TcpInfo t = r.tcpInfo();
      assertThat(t.length()).isBetween(0, bytes);
      assertThat(t.isPresent()).isEqualTo(t.length() > 0);
      SkMemInfo m = r.skMem();
      for (long v : new long[] {m.rmemAlloc(), m.rcvBuf(), m.drops()}) {
        assertThat(v).isBetween(TcpInfo.ABSENT, 0xffffffffL);
      }
      assertThat(r.congestion()).isNotNull();
      assertThat(r.congestion().length()).isLessThan(bytes);
      assertThat(r.congestion().indexOf('\0')).isEqualTo(-1);
      r.tupleKey();
    }
    problems.toUnavailable("fuzz");
  }
}
