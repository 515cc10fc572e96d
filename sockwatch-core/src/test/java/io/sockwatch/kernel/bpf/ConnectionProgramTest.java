package io.sockwatch.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.bpf.ConnectionProgram.StateFields;
import io.sockwatch.kernel.bpf.TracepointFormat.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two tracepoint programs assembled against the real formats of a 6.18 kernel: their shape
 * (size, jumps, maps, helpers, context reads) checked without a kernel; the verifier's verdict is
 * the live test's.
 */
class ConnectionProgramTest {

  private static final int START_MAP = 3;
  private static final int RING = 4;
  private static final int COUNTERS = 5;

  private static final Set<Integer> HELPERS =
      Set.of(
          ConnectionProgram.HELPER_MAP_LOOKUP,
          ConnectionProgram.HELPER_MAP_UPDATE,
          ConnectionProgram.HELPER_MAP_DELETE,
          ConnectionProgram.HELPER_KTIME_GET_NS,
          ConnectionProgram.HELPER_PID_TGID,
          ConnectionProgram.HELPER_COMM,
          ConnectionProgram.HELPER_CGROUP_ID,
          ConnectionProgram.HELPER_RINGBUF_RESERVE,
          ConnectionProgram.HELPER_RINGBUF_SUBMIT);

  /** One decoded instruction. */
  record Insn(int op, int dst, int src, int off, int imm) {}

  @Test
  void stateProgramAssemblesFromTheRealFormatWellUnderTheLimit() {
    TracepointFormat format = BpfFixtures.format(BpfFixtures.STATE);
    List<Insn> p = decode(stateProgram(format));

    assertThat(p.size()).isBetween(50, BpfAsm.MAX_INSNS / 8);
    assertWellFormed(p, Set.of(START_MAP, RING, COUNTERS));
    // Every map is used: the start values, the ring, the counters.
    assertThat(mapFds(p)).containsExactlyInAnyOrder(START_MAP, RING, COUNTERS);
  }

  @Test
  void stateProgramReadsTheContextAtTheFormatsOffsets() {
    TracepointFormat format = BpfFixtures.format(BpfFixtures.STATE);
    Set<Integer> read = contextReads(decode(stateProgram(format)));

    // skaddr 8, oldstate 16, newstate 20, sport 24, dport 26, family 28, protocol 30, then the
    // IPv6 addresses at 40 and 56 (copied 8 bytes at a time); never the IPv4-only fields at 32/36.
    assertThat(read).containsExactlyInAnyOrder(8, 16, 20, 24, 26, 28, 30, 40, 48, 56, 64);
  }

  @Test
  void stateProgramFollowsFieldsThatMoved() {
    // The same fields 8 bytes further on, as a kernel with a larger common header would have them.
    String moved = shift(BpfFixtures.text(BpfFixtures.STATE), 8);
    Set<Integer> read = contextReads(decode(stateProgram(TracepointFormat.parse(moved))));

    assertThat(read).containsExactlyInAnyOrder(16, 24, 28, 32, 34, 36, 38, 48, 56, 64, 72);
  }

  @Test
  void refusesAFormatWithAFieldOfAnotherSizeNamingTheField() {
    String text =
        BpfFixtures.text(BpfFixtures.STATE)
            .replace(
                "field:__u16 family;\toffset:28;\tsize:2;",
                "field:int family;\toffset:28;\tsize:4;");
    TracepointFormat format = TracepointFormat.parse(text);

    assertThatThrownBy(() -> StateFields.of(format))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inet_sock_set_state.family is 4 bytes, expected 2");
  }

  @Test
  void refusesAFormatWithoutAField() {
    String text =
        BpfFixtures.text(BpfFixtures.STATE).replaceAll("(?m)^\\s*field:__u8 daddr_v6.*\n", "");
    TracepointFormat format = TracepointFormat.parse(text);

    assertThatThrownBy(() -> StateFields.of(format))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inet_sock_set_state has no field daddr_v6");
  }

  @Test
  void resetProgramMarksTheStartValueFoundByTheSocketAddress() {
    Field skaddr = BpfFixtures.format(BpfFixtures.RESET).require("skaddr", 8);
    List<Insn> p = decode(ConnectionProgram.resetProgram(skaddr, START_MAP));

    assertWellFormed(p, Set.of(START_MAP));
    assertThat(p.size()).isLessThan(20);
    // r2 = *(u64 *)(r1 + 8): the socket address, from the context as the program starts.
    assertThat(p.get(0)).isEqualTo(new Insn(0x79, 2, 1, 8, 0));
    // The reset flag is or-ed into the flags of the start value.
    assertThat(p).contains(new Insn(0x47, 1, 0, 0, EventLayout.FLAG_RESET));
    assertThat(p).contains(new Insn(0x7b, 0, 1, EventLayout.SV_FLAGS, 0));
  }

  @Test
  void resetProgramRefusesASocketAddressOfAnotherSize() {
    assertThatThrownBy(() -> ConnectionProgram.resetProgram(new Field("skaddr", 8, 4), START_MAP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("skaddr");
  }

  private static byte[] stateProgram(TracepointFormat format) {
    return ConnectionProgram.stateProgram(StateFields.of(format), START_MAP, RING, COUNTERS);
  }

  /**
   * What the verifier would refuse outright: a jump out of the program or into the second slot of a
   * map load, a map load of another descriptor, an unknown helper, a program that does not end with
   * {@code r0 = 0; exit}.
   */
  private static void assertWellFormed(List<Insn> p, Set<Integer> maps) {
    Set<Integer> secondSlots = new HashSet<>();
    for (int i = 0; i < p.size(); i++) {
      if (p.get(i).op() == 0x18) {
        secondSlots.add(i + 1);
      }
    }
    for (int i = 0; i < p.size(); i++) {
      Insn in = p.get(i);
      if (in.op() == 0x18) {
        assertThat(in.src()).as("pseudo map fd at %d", i).isEqualTo(1);
        assertThat(maps).as("map at %d", i).contains(in.imm());
        assertThat(p.get(i + 1)).isEqualTo(new Insn(0, 0, 0, 0, 0));
      } else if (in.op() == 0x85) {
        assertThat(HELPERS).as("helper at %d", i).contains(in.imm());
      } else if ((in.op() & 0x07) == 0x05 && in.op() != 0x95) {
        int target = i + 1 + in.off();
        assertThat(target).as("jump at %d", i).isBetween(0, p.size() - 1);
        assertThat(secondSlots).as("jump at %d", i).doesNotContain(target);
      }
      assertThat(in.dst()).as("register at %d", i).isBetween(0, 10);
      assertThat(in.src()).as("register at %d", i).isBetween(0, 10);
    }
    assertThat(p.get(p.size() - 2)).isEqualTo(new Insn(0xb7, 0, 0, 0, 0));
    assertThat(p.getLast()).isEqualTo(new Insn(0x95, 0, 0, 0, 0));
  }

  private static Set<Integer> mapFds(List<Insn> p) {
    Set<Integer> fds = new HashSet<>();
    p.stream().filter(i -> i.op() == 0x18).forEach(i -> fds.add(i.imm()));
    return fds;
  }

  /**
   * Offsets of the context reads: loads through r6, where the state program keeps the context (the
   * first instruction copies r1 to it).
   */
  private static Set<Integer> contextReads(List<Insn> p) {
    assertThat(p.get(0)).isEqualTo(new Insn(0xbf, 6, 1, 0, 0));
    Set<Integer> offsets = new HashSet<>();
    for (Insn in : p) {
      if ((in.op() & 0x07) == 0x01 && in.src() == 6) {
        offsets.add(in.off());
      }
    }
    return offsets;
  }

  private static List<Insn> decode(byte[] program) {
    assertThat(program.length % 8).isZero();
    ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    List<Insn> out = new ArrayList<>();
    while (b.hasRemaining()) {
      int op = b.get() & 0xff;
      int regs = b.get() & 0xff;
      out.add(new Insn(op, regs & 0x0f, regs >>> 4, b.getShort(), b.getInt()));
    }
    return out;
  }

  /** The format with every field after the common header moved by {@code by} bytes. */
  private static String shift(String text, int by) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      var m = java.util.regex.Pattern.compile("offset:(\\d+);").matcher(line);
      if (line.contains("field:") && !line.contains("common_") && m.find()) {
        line = m.replaceFirst("offset:" + (Integer.parseInt(m.group(1)) + by) + ";");
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }
}
