package io.sockwatch.kernel.bpf;

import static io.sockwatch.kernel.bpf.BpfAsm.FP;
import static io.sockwatch.kernel.bpf.BpfAsm.R0;
import static io.sockwatch.kernel.bpf.BpfAsm.R1;
import static io.sockwatch.kernel.bpf.BpfAsm.R2;
import static io.sockwatch.kernel.bpf.BpfAsm.R3;
import static io.sockwatch.kernel.bpf.BpfAsm.R4;
import static io.sockwatch.kernel.bpf.BpfAsm.R6;
import static io.sockwatch.kernel.bpf.BpfAsm.R7;
import static io.sockwatch.kernel.bpf.BpfAsm.R8;
import static io.sockwatch.kernel.bpf.BpfAsm.R9;
import static io.sockwatch.kernel.bpf.EventLayout.*;

import io.sockwatch.kernel.bpf.BpfAsm.Cond;
import io.sockwatch.kernel.bpf.BpfAsm.Size;
import io.sockwatch.kernel.bpf.TracepointFormat.Field;

/**
 * The two tracepoint programs, assembled against the running kernel's field offsets.
 *
 * <p>{@code sock/inet_sock_set_state} (TCP only): the move to SYN_SENT runs in the connecting task,
 * so the program records the opener (tgid, command, cgroup) and the time under the socket's
 * address; the move SYN_RECV to ESTABLISHED is an accepted connection (no process context there:
 * the listener's owner comes from the scan), recorded likewise; the move to CLOSE writes the one
 * event of the connection, carrying what was recorded at the start and the state it left, which
 * tells who closed first (FIN_WAIT: this side, TIME_WAIT here), whether the peer did (LAST_ACK), or
 * whether the connect failed (SYN_SENT). Listening sockets are skipped.
 *
 * <p>One event per connection, at its end, not one at each end: a ring-buffer record costs about as
 * much as everything else the program does (measured with {@code kernel.bpf_stats_enabled}: 2.4
 * against 1.7 µs per loopback connection, both ends traced), so connects and accepts are counted
 * when their connection ends. A connection still open is in the socket table with its owner; its
 * connect is counted when it closes.
 *
 * <p>{@code tcp/tcp_receive_reset}: marks the connection as reset, so a failed connect is told
 * apart as refused.
 */
final class ConnectionProgram {

  static final int HELPER_MAP_LOOKUP = 1;
  static final int HELPER_MAP_UPDATE = 2;
  static final int HELPER_MAP_DELETE = 3;
  static final int HELPER_KTIME_GET_NS = 5;
  static final int HELPER_PID_TGID = 14;
  static final int HELPER_COMM = 16;
  static final int HELPER_CGROUP_ID = 80;
  static final int HELPER_RINGBUF_RESERVE = 131;
  static final int HELPER_RINGBUF_SUBMIT = 132;

  private static final int IPPROTO_TCP = 6;
  private static final int RINGBUF_NO_WAKEUP = 1;

  // Stack: the socket-address key at fp-8, the start value at fp-64..fp-16, a counter's index at
  // fp-72, the new state at fp-80.
  private static final int KEY = -8;
  private static final int VALUE = -64;
  private static final int COUNTER_KEY = -72;
  private static final int NEW_STATE_SLOT = -80;

  private ConnectionProgram() {}

  /** The field offsets the state program reads, checked for the sizes it reads them with. */
  record StateFields(
      int skaddr,
      int oldstate,
      int newstate,
      int sport,
      int dport,
      int family,
      int protocol,
      int saddrV6,
      int daddrV6) {

    static StateFields of(TracepointFormat f) {
      return new StateFields(
          f.require("skaddr", 8).offset(),
          f.require("oldstate", 4).offset(),
          f.require("newstate", 4).offset(),
          f.require("sport", 2).offset(),
          f.require("dport", 2).offset(),
          f.require("family", 2).offset(),
          f.require("protocol", 2).offset(),
          f.require("saddr_v6", 16).offset(),
          f.require("daddr_v6", 16).offset());
    }
  }

  /** The program for {@code sock/inet_sock_set_state}. */
  static byte[] stateProgram(StateFields f, int startMap, int ring, int counters) {
    BpfAsm a = new BpfAsm();
    a.movReg(R6, R1);
    a.load(Size.H, R2, R6, f.protocol());
    a.jumpIf(Cond.NE, R2, IPPROTO_TCP, "exit");
    a.load(Size.W, R7, R6, f.newstate());
    a.load(Size.W, R8, R6, f.oldstate());
    a.load(Size.DW, R9, R6, f.skaddr());
    a.store(Size.DW, FP, KEY, R9);
    a.jumpIf(Cond.EQ, R7, TCP_SYN_SENT, "connect");
    a.jumpIf(Cond.EQ, R7, TCP_FIN_WAIT1, "end"); // this side closes
    a.jumpIf(Cond.EQ, R7, TCP_CLOSE_WAIT, "end"); // the peer closed
    a.jumpIf(Cond.EQ, R7, TCP_CLOSE, "close");
    a.jumpIf(Cond.NE, R7, TCP_ESTABLISHED, "exit");
    a.jumpIf(Cond.EQ, R8, TCP_SYN_RECV, "accept");
    a.jump("exit");

    // To CLOSE: a connection that ended orderly was handed over and forgotten when it began to
    // close; what reaches CLOSE with a record is a failed connect or an abort.
    a.label("close");
    a.jumpIf(Cond.EQ, R8, TCP_SYN_SENT, "end");
    a.jumpIf(Cond.EQ, R8, TCP_ESTABLISHED, "end");
    a.jump("exit");

    // Connect: record the opener, in its own context.
    a.label("connect");
    a.call(HELPER_KTIME_GET_NS).store(Size.DW, FP, VALUE + SV_START_NS, R0);
    a.call(HELPER_PID_TGID).store(Size.DW, FP, VALUE + SV_PID_TGID, R0);
    a.call(HELPER_CGROUP_ID).store(Size.DW, FP, VALUE + SV_CGROUP_ID, R0);
    a.movReg(R1, FP).addImm(R1, VALUE + SV_COMM).movImm(R2, COMM_LEN).call(HELPER_COMM);
    a.storeImm(Size.DW, FP, VALUE + SV_FLAGS, FLAG_ACTIVE);
    a.jump("record");

    // Accept: the handshake completed in the kernel; there is no process to name here.
    a.label("accept");
    a.call(HELPER_KTIME_GET_NS).store(Size.DW, FP, VALUE + SV_START_NS, R0);
    a.storeImm(Size.DW, FP, VALUE + SV_PID_TGID, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_CGROUP_ID, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_COMM, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_COMM + 8, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_FLAGS, FLAG_PASSIVE);

    a.label("record");
    a.loadMap(R1, startMap).movReg(R2, FP).addImm(R2, KEY);
    a.movReg(R3, FP).addImm(R3, VALUE).movImm(R4, 0).call(HELPER_MAP_UPDATE);
    a.jumpIf(Cond.EQ, R0, 0, "exit");
    count(a, counters, COUNTER_START_FULL, "exit");
    a.jump("exit");

    // End: hand over what was recorded at the start, then forget the connection.
    a.label("end");
    a.store(Size.B, FP, NEW_STATE_SLOT, R7);
    a.loadMap(R1, startMap).movReg(R2, FP).addImm(R2, KEY).call(HELPER_MAP_LOOKUP);
    a.movReg(R7, R0); // the start value in the map, or null
    a.jumpIf(Cond.NE, R7, 0, "known");
    // Began before tracing (or its record was evicted): an all-zero start.
    a.storeImm(Size.DW, FP, VALUE + SV_START_NS, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_PID_TGID, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_CGROUP_ID, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_COMM, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_COMM + 8, 0);
    a.storeImm(Size.DW, FP, VALUE + SV_FLAGS, 0);
    a.movReg(R7, FP).addImm(R7, VALUE);
    a.label("known");

    // Emit the event: R7 points at the start value, R8 holds the state the socket left.
    a.loadMap(R1, ring).movImm(R2, SIZE).movImm(R3, 0).call(HELPER_RINGBUF_RESERVE);
    a.jumpIf(Cond.NE, R0, 0, "reserved");
    count(a, counters, COUNTER_RING_FULL, "forget");
    a.jump("forget");
    a.label("reserved");
    a.movReg(R9, R0);
    a.call(HELPER_KTIME_GET_NS).store(Size.DW, R9, NOW_NS, R0);
    a.copy(R9, START_NS, R7, SV_START_NS, 8, R1);
    a.copy(R9, PID_TGID, R7, SV_PID_TGID, 8, R1);
    a.copy(R9, CGROUP_ID, R7, SV_CGROUP_ID, 8, R1);
    a.copy(R9, COMM, R7, SV_COMM, COMM_LEN, R1);
    a.load(Size.B, R1, FP, NEW_STATE_SLOT).store(Size.B, R9, NEW_STATE, R1);
    a.store(Size.B, R9, OLD_STATE, R8);
    a.copy(R9, FLAGS, R7, SV_FLAGS, 1, R1);
    a.storeImm(Size.B, R9, FLAGS + 1, 0);
    a.copy(R9, FAMILY, R6, f.family(), 2, R1);
    a.copy(R9, SPORT, R6, f.sport(), 2, R1);
    a.copy(R9, DPORT, R6, f.dport(), 2, R1);
    a.storeImm(Size.H, R9, DPORT + 2, 0);
    a.storeImm(Size.W, R9, DPORT + 4, 0);
    a.copy(R9, SADDR, R6, f.saddrV6(), ADDR_LEN, R1);
    a.copy(R9, DADDR, R6, f.daddrV6(), ADDR_LEN, R1);
    // No wakeup: nothing waits on the ring, the reader polls it.
    a.movReg(R1, R9).movImm(R2, RINGBUF_NO_WAKEUP).call(HELPER_RINGBUF_SUBMIT);

    a.label("forget");
    a.loadMap(R1, startMap).movReg(R2, FP).addImm(R2, KEY).call(HELPER_MAP_DELETE);

    a.label("exit");
    a.movImm(R0, 0).exit();
    return a.assemble();
  }

  /** The program for {@code tcp/tcp_receive_reset}: marks a recorded connection as reset. */
  static byte[] resetProgram(Field skaddr, int startMap) {
    if (skaddr.size() != 8) {
      throw new IllegalArgumentException("tcp_receive_reset.skaddr is not 8 bytes");
    }
    BpfAsm a = new BpfAsm();
    a.load(Size.DW, R2, R1, skaddr.offset()).store(Size.DW, FP, KEY, R2);
    a.loadMap(R1, startMap).movReg(R2, FP).addImm(R2, KEY).call(HELPER_MAP_LOOKUP);
    a.jumpIf(Cond.EQ, R0, 0, "exit");
    a.load(Size.DW, R1, R0, SV_FLAGS).orImm(R1, FLAG_RESET).store(Size.DW, R0, SV_FLAGS, R1);
    a.label("exit");
    a.movImm(R0, 0).exit();
    return a.assemble();
  }

  /** {@code counters[slot]++}, then on to {@code next}. */
  private static void count(BpfAsm a, int counters, int slot, String next) {
    a.storeImm(Size.W, FP, COUNTER_KEY, slot);
    a.loadMap(R1, counters).movReg(R2, FP).addImm(R2, COUNTER_KEY).call(HELPER_MAP_LOOKUP);
    a.jumpIf(Cond.EQ, R0, 0, next);
    a.movImm(R1, 1).atomicAdd(R0, 0, R1);
  }
}
