package io.sockwatch.kernel.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small assembler for eBPF instructions: the few operations the connection program needs, with
 * named labels for forward and backward jumps. Sockwatch assembles its program at run time so that
 * no compiler is needed on the node and so that field offsets come from the running kernel's
 * tracefs. The encoding follows the kernel's {@code struct bpf_insn}: opcode, destination and
 * source register nibbles, a signed 16-bit offset and a signed 32-bit immediate, little-endian.
 */
final class BpfAsm {

  // Registers: R0 return value, R1-R5 arguments (clobbered by calls), R6-R9 kept across calls, R10
  // the read-only frame pointer.
  static final int R0 = 0;
  static final int R1 = 1;
  static final int R2 = 2;
  static final int R3 = 3;
  static final int R4 = 4;
  static final int R6 = 6;
  static final int R7 = 7;
  static final int R8 = 8;
  static final int R9 = 9;
  static final int FP = 10;

  /** Access sizes, as the size bits of load and store opcodes. */
  enum Size {
    B(1, 0x10),
    H(2, 0x08),
    W(4, 0x00),
    DW(8, 0x18);

    final int bytes;
    final int bits;

    Size(int bytes, int bits) {
      this.bytes = bytes;
      this.bits = bits;
    }

    /** The widest size both offsets are aligned to, at most {@code limit} bytes. */
    static Size aligned(int a, int b, int limit) {
      for (Size s : new Size[] {DW, W, H, B}) {
        if (s.bytes <= limit && a % s.bytes == 0 && b % s.bytes == 0) {
          return s;
        }
      }
      return B;
    }
  }

  /** Conditions of conditional jumps. */
  enum Cond {
    EQ(0x10),
    NE(0x50),
    GE(0x30),
    SET(0x40);

    final int op;

    Cond(int op) {
      this.op = op;
    }
  }

  private static final int CLASS_LDX = 0x01;
  private static final int CLASS_ST = 0x02;
  private static final int CLASS_STX = 0x03;
  private static final int CLASS_JMP = 0x05;
  private static final int CLASS_ALU64 = 0x07;
  private static final int MODE_MEM = 0x60;
  private static final int MODE_ATOMIC = 0xc0;
  private static final int SRC_X = 0x08;
  private static final int ALU_ADD = 0x00;
  private static final int ALU_OR = 0x40;
  private static final int ALU_MOV = 0xb0;
  private static final int PSEUDO_MAP_FD = 1;

  /** Upper bound the kernel sets on an unprivileged program; ours is far below it. */
  static final int MAX_INSNS = 4096;

  private final List<long[]> insns = new ArrayList<>(); // {op, dst, src, off, imm}
  private final Map<String, Integer> labels = new HashMap<>();
  private final Map<Integer, String> fixups = new HashMap<>();

  /** Marks the next instruction with {@code name}. */
  BpfAsm label(String name) {
    if (labels.putIfAbsent(name, insns.size()) != null) {
      throw new IllegalStateException("label defined twice: " + name);
    }
    return this;
  }

  BpfAsm movImm(int dst, int imm) {
    return emit(CLASS_ALU64 | ALU_MOV, dst, 0, 0, imm);
  }

  BpfAsm movReg(int dst, int src) {
    return emit(CLASS_ALU64 | ALU_MOV | SRC_X, dst, src, 0, 0);
  }

  BpfAsm addImm(int dst, int imm) {
    return emit(CLASS_ALU64 | ALU_ADD, dst, 0, 0, imm);
  }

  BpfAsm orImm(int dst, int imm) {
    return emit(CLASS_ALU64 | ALU_OR, dst, 0, 0, imm);
  }

  /** {@code dst = *(size *)(src + off)}. */
  BpfAsm load(Size size, int dst, int src, int off) {
    return emit(CLASS_LDX | MODE_MEM | size.bits, dst, src, off, 0);
  }

  /** {@code *(size *)(dst + off) = src}. */
  BpfAsm store(Size size, int dst, int off, int src) {
    return emit(CLASS_STX | MODE_MEM | size.bits, dst, src, off, 0);
  }

  /** {@code *(size *)(dst + off) = imm}. */
  BpfAsm storeImm(Size size, int dst, int off, int imm) {
    return emit(CLASS_ST | MODE_MEM | size.bits, dst, 0, off, imm);
  }

  /** {@code lock *(u64 *)(dst + off) += src}. */
  BpfAsm atomicAdd(int dst, int off, int src) {
    return emit(CLASS_STX | MODE_ATOMIC | Size.DW.bits, dst, src, off, ALU_ADD);
  }

  /** Loads a map's file descriptor as a map pointer (the two-slot {@code ld_imm64}). */
  BpfAsm loadMap(int dst, int mapFd) {
    emit(0x18, dst, PSEUDO_MAP_FD, 0, mapFd);
    return emit(0, 0, 0, 0, 0);
  }

  BpfAsm call(int helper) {
    return emit(CLASS_JMP | 0x80, 0, 0, 0, helper);
  }

  BpfAsm exit() {
    return emit(CLASS_JMP | 0x90, 0, 0, 0, 0);
  }

  BpfAsm jump(String target) {
    fixups.put(insns.size(), target);
    return emit(CLASS_JMP, 0, 0, 0, 0);
  }

  /** {@code if (reg cond imm) goto target}. */
  BpfAsm jumpIf(Cond cond, int reg, int imm, String target) {
    fixups.put(insns.size(), target);
    return emit(CLASS_JMP | cond.op, reg, 0, 0, imm);
  }

  /** Copies {@code len} bytes from {@code src + srcOff} to {@code dst + dstOff} via {@code tmp}. */
  BpfAsm copy(int dst, int dstOff, int src, int srcOff, int len, int tmp) {
    int done = 0;
    while (done < len) {
      Size s = Size.aligned(srcOff + done, dstOff + done, len - done);
      load(s, tmp, src, srcOff + done);
      store(s, dst, dstOff + done, tmp);
      done += s.bytes;
    }
    return this;
  }

  int size() {
    return insns.size();
  }

  /** The program's bytes, with every jump resolved. */
  byte[] assemble() {
    if (insns.size() > MAX_INSNS) {
      throw new IllegalStateException("program too long: " + insns.size());
    }
    ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < insns.size(); i++) {
      long[] in = insns.get(i);
      long off = in[3];
      String target = fixups.get(i);
      if (target != null) {
        Integer at = labels.get(target);
        if (at == null) {
          throw new IllegalStateException("undefined label: " + target);
        }
        off = at - i - 1;
      }
      out.put((byte) in[0]);
      out.put((byte) ((in[2] << 4) | in[1]));
      out.putShort((short) off);
      out.putInt((int) in[4]);
    }
    return out.array();
  }

  private BpfAsm emit(int op, int dst, int src, int off, int imm) {
    if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
      throw new IllegalArgumentException("offset out of range: " + off);
    }
    insns.add(new long[] {op, dst, src, off, imm});
    return this;
  }
}
