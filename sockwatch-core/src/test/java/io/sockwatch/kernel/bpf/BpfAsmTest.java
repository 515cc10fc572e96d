package io.sockwatch.kernel.bpf;

import static io.sockwatch.kernel.bpf.BpfAsm.FP;
import static io.sockwatch.kernel.bpf.BpfAsm.R0;
import static io.sockwatch.kernel.bpf.BpfAsm.R1;
import static io.sockwatch.kernel.bpf.BpfAsm.R2;
import static io.sockwatch.kernel.bpf.BpfAsm.R6;
import static io.sockwatch.kernel.bpf.BpfAsm.R7;
import static io.sockwatch.kernel.bpf.BpfAsm.R9;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.bpf.BpfAsm.Cond;
import io.sockwatch.kernel.bpf.BpfAsm.Size;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The assembler's encodings against the bytes the kernel documents for the same instructions
 * (Documentation/bpf/standardization/instruction-set.rst and the {@code BPF_*} macros of
 * linux/filter.h): opcode, dst in the low and src in the high nibble, 16-bit offset, 32-bit
 * immediate, little-endian.
 */
class BpfAsmTest {

  @Test
  void encodesReturnZero() {
    byte[] program = new BpfAsm().movImm(R0, 0).exit().assemble();

    assertThat(hex(program)).isEqualTo("b700000000000000" + "9500000000000000");
  }

  @Test
  void encodesAluAndMoves() {
    assertThat(insns(new BpfAsm().movReg(R6, R1))).containsExactly("bf16000000000000"); // r6 = r1
    assertThat(insns(new BpfAsm().movImm(R2, 16))).containsExactly("b702000010000000"); // r2 = 16
    assertThat(insns(new BpfAsm().addImm(R2, -8))).containsExactly("07020000f8ffffff"); // r2 += -8
    assertThat(insns(new BpfAsm().orImm(R1, 8))).containsExactly("4701000008000000"); // r1 |= 8
  }

  @Test
  void encodesLoadsAndStores() {
    assertThat(insns(new BpfAsm().load(Size.W, R7, R6, 20)))
        .containsExactly("6167140000000000"); // r7 = *(u32 *)(r6 + 20)
    assertThat(insns(new BpfAsm().load(Size.DW, R2, R1, 8)))
        .containsExactly("7912080000000000"); // r2 = *(u64 *)(r1 + 8)
    assertThat(insns(new BpfAsm().load(Size.H, R2, R6, 30)))
        .containsExactly("69621e0000000000"); // r2 = *(u16 *)(r6 + 30)
    assertThat(insns(new BpfAsm().load(Size.B, R2, R6, 1)))
        .containsExactly("7162010000000000"); // r2 = *(u8 *)(r6 + 1)
    assertThat(insns(new BpfAsm().store(Size.DW, FP, -8, R9)))
        .containsExactly("7b9af8ff00000000"); // *(u64 *)(r10 - 8) = r9
    assertThat(insns(new BpfAsm().store(Size.B, R9, 49, R1)))
        .containsExactly("7319310000000000"); // *(u8 *)(r9 + 49) = r1
    assertThat(insns(new BpfAsm().storeImm(Size.DW, FP, -24, 1)))
        .containsExactly("7a0ae8ff01000000"); // *(u64 *)(r10 - 24) = 1
    assertThat(insns(new BpfAsm().storeImm(Size.W, FP, -72, 1)))
        .containsExactly("620ab8ff01000000"); // *(u32 *)(r10 - 72) = 1
    assertThat(insns(new BpfAsm().atomicAdd(R0, 0, R1)))
        .containsExactly("db10000000000000"); // lock *(u64 *)(r0 + 0) += r1
  }

  @Test
  void encodesAMapLoadAsTheTwoSlotLoadOfAPseudoMapFd() {
    // ld_imm64 r1, map_fd 5: opcode 0x18, src 1 (BPF_PSEUDO_MAP_FD), the upper half zero.
    assertThat(insns(new BpfAsm().loadMap(R1, 5)))
        .containsExactly("1811000005000000", "0000000000000000");
  }

  @Test
  void encodesHelperCalls() {
    assertThat(insns(new BpfAsm().call(ConnectionProgram.HELPER_RINGBUF_RESERVE)))
        .containsExactly("8500000083000000");
  }

  @Test
  void resolvesAForwardJumpRelativeToTheNextInstruction() {
    BpfAsm a = new BpfAsm();
    a.jumpIf(Cond.NE, R2, 6, "out"); // 0: if r2 != 6 goto +2
    a.movImm(R0, 1); // 1
    a.exit(); // 2
    a.label("out").movImm(R0, 0).exit(); // 3, 4

    assertThat(insns(a).get(0)).isEqualTo("5502020006000000");
  }

  @Test
  void resolvesBackwardJumpsAndEveryCondition() {
    BpfAsm a = new BpfAsm();
    a.label("top").movImm(R0, 0); // 0
    a.jumpIf(Cond.EQ, R0, 0, "top"); // 1: -2
    a.jumpIf(Cond.GE, R1, 3, "top"); // 2: -3
    a.jumpIf(Cond.SET, R1, 8, "top"); // 3: -4
    a.jump("top"); // 4: -5
    a.jump("end"); // 5: +0
    a.label("end").exit();

    assertThat(insns(a))
        .containsExactly(
            "b700000000000000",
            "1500feff00000000",
            "3501fdff03000000",
            "4501fcff08000000",
            "0500fbff00000000",
            "0500000000000000",
            "9500000000000000");
  }

  @Test
  void countsTheTwoSlotsOfAMapLoadInJumpOffsets() {
    BpfAsm a = new BpfAsm();
    a.jump("after"); // 0: skips the two slots
    a.loadMap(R1, 3); // 1, 2
    a.label("after").exit(); // 3

    assertThat(a.size()).isEqualTo(4);
    assertThat(insns(a).get(0)).isEqualTo("0500020000000000");
  }

  @Test
  void refusesUndefinedAndDuplicateLabels() {
    BpfAsm undefined = new BpfAsm().jump("nowhere").exit();
    assertThatThrownBy(undefined::assemble)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("undefined label: nowhere");

    BpfAsm twice = new BpfAsm().label("a").exit();
    assertThatThrownBy(() -> twice.label("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("label defined twice: a");
  }

  @Test
  void refusesOffsetsBeyondSixteenBitsAndProgramsBeyondTheLimit() {
    assertThatThrownBy(() -> new BpfAsm().load(Size.B, R1, R6, 1 << 15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset out of range: 32768");
    assertThat(insns(new BpfAsm().load(Size.B, R1, R6, Short.MIN_VALUE)))
        .containsExactly("7161008000000000");

    BpfAsm longest = new BpfAsm();
    for (int i = 0; i < BpfAsm.MAX_INSNS; i++) {
      longest.exit();
    }
    assertThat(longest.assemble()).hasSize(BpfAsm.MAX_INSNS * 8);
    longest.exit();
    assertThatThrownBy(longest::assemble)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("program too long: " + (BpfAsm.MAX_INSNS + 1));
  }

  @Test
  void alignedPicksTheWidestSizeBothOffsetsAllowWithinTheLimit() {
    assertThat(Size.aligned(0, 8, 8)).isEqualTo(Size.DW);
    assertThat(Size.aligned(0, 8, 7)).isEqualTo(Size.W);
    assertThat(Size.aligned(4, 8, 8)).isEqualTo(Size.W);
    assertThat(Size.aligned(30, 64, 16)).isEqualTo(Size.H);
    assertThat(Size.aligned(28, 52, 2)).isEqualTo(Size.H);
    assertThat(Size.aligned(1, 8, 8)).isEqualTo(Size.B);
    assertThat(Size.aligned(0, 0, 1)).isEqualTo(Size.B);
  }

  @Test
  void copiesWithAlignedAccesses() {
    // Both 8-aligned: two double words.
    assertThat(insns(new BpfAsm().copy(R9, 64, R6, 40, 16, R1)))
        .containsExactly(
            "7961280000000000", "7b19400000000000", "7961300000000000", "7b19480000000000");
    // tcp_receive_reset's saddr_v6 sits at 30: only half words are aligned on both sides.
    List<String> halves = insns(new BpfAsm().copy(R9, 64, R6, 30, 16, R1));
    assertThat(halves).hasSize(16);
    assertThat(halves).allMatch(i -> i.startsWith("69") || i.startsWith("6b"));
    // Three bytes from aligned offsets: a half word, then a byte.
    assertThat(insns(new BpfAsm().copy(R9, 0, R7, 0, 3, R1)))
        .containsExactly(
            "6971000000000000", "6b19000000000000", "7171020000000000", "7319020000000000");
    // Odd source: byte by byte.
    assertThat(insns(new BpfAsm().copy(R9, 0, R7, 1, 2, R1)))
        .hasSize(4)
        .allMatch(i -> i.startsWith("71") || i.startsWith("73"));
    assertThat(new BpfAsm().copy(R9, 0, R7, 0, 0, R1).size()).isZero();
  }

  /** The program's instructions, each as 16 hex digits. */
  static List<String> insns(BpfAsm a) {
    String all = hex(a.assemble());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < all.length(); i += 16) {
      out.add(all.substring(i, i + 16));
    }
    return out;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
