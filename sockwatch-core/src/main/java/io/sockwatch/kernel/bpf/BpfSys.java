package io.sockwatch.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.sockwatch.kernel.bpf.Sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The {@code bpf()} and {@code perf_event_open()} commands the tracer uses, each building its
 * attribute block in native memory. Offsets are those of {@code union bpf_attr} and {@code struct
 * perf_event_attr} in the kernel's UAPI headers, which only ever grow at the end.
 */
final class BpfSys {

  static final int MAP_HASH = 1;
  static final int MAP_ARRAY = 2;
  static final int MAP_RINGBUF = 27;
  static final int PROG_TRACEPOINT = 5;

  private static final int CMD_MAP_CREATE = 0;
  private static final int CMD_MAP_LOOKUP = 1;
  private static final int CMD_PROG_LOAD = 5;
  private static final int CMD_PROG_GET_FD_BY_ID = 13;
  private static final int CMD_MAP_GET_FD_BY_ID = 14;
  private static final int CMD_OBJ_GET_INFO_BY_FD = 15;

  /** Bytes of attribute block passed: more than any field used, less than today's union. */
  private static final int ATTR_SIZE = 128;

  private static final int PERF_TYPE_TRACEPOINT = 2;
  private static final long PERF_SAMPLE_RAW = 1L << 10;
  private static final long PERF_FLAG_FD_CLOEXEC = 8;
  private static final long PERF_EVENT_IOC_ENABLE = 0x2400;
  private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408;

  /** Bytes of verifier log kept when a load fails. */
  static final int LOG_SIZE = 64 * 1024;

  private BpfSys() {}

  static int mapCreate(int type, int keySize, int valueSize, int maxEntries, String name)
      throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      attr.set(JAVA_INT, 0, type);
      attr.set(JAVA_INT, 4, keySize);
      attr.set(JAVA_INT, 8, valueSize);
      attr.set(JAVA_INT, 12, maxEntries);
      putName(attr, 28, name);
      return (int) bpf("creating map " + name, CMD_MAP_CREATE, attr);
    }
  }

  /**
   * Loads a program; on refusal the exception's message carries the verifier's last lines.
   *
   * @throws SysException when the kernel refuses it
   */
  static int progLoad(int type, byte[] insns, String name) throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      MemorySegment code = arena.allocate(insns.length, 8);
      code.copyFrom(MemorySegment.ofArray(insns));
      MemorySegment license = arena.allocateFrom("GPL");
      attr.set(JAVA_INT, 0, type);
      attr.set(JAVA_INT, 4, insns.length / 8);
      attr.set(JAVA_LONG, 8, code.address());
      attr.set(JAVA_LONG, 16, license.address());
      putName(attr, 48, name);
      try {
        return (int) bpf("loading program " + name, CMD_PROG_LOAD, attr);
      } catch (SysException first) {
        if (Sys.isPermission(first.errno())) {
          throw first;
        }
        // Load again with the verifier's log, to say why.
        MemorySegment log = arena.allocate(LOG_SIZE);
        attr.set(JAVA_INT, 24, 1);
        attr.set(JAVA_INT, 28, LOG_SIZE);
        attr.set(JAVA_LONG, 32, log.address());
        try {
          return (int) bpf("loading program " + name, CMD_PROG_LOAD, attr);
        } catch (SysException again) {
          throw new VerifierException(again, lastLines(log.getString(0), 6));
        }
      }
    }
  }

  /** A program the verifier refused, with the tail of its log in the message. */
  static final class VerifierException extends SysException {
    VerifierException(SysException cause, String log) {
      super(cause.getMessage() + "; verifier: " + log, cause.errno());
    }
  }

  /** Reads an element of a map whose key and value fit in the given sizes. */
  static boolean mapLookup(int mapFd, MemorySegment key, MemorySegment value) throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      attr.set(JAVA_INT, 0, mapFd);
      attr.set(JAVA_LONG, 8, key.address());
      attr.set(JAVA_LONG, 16, value.address());
      try {
        bpf("reading map", CMD_MAP_LOOKUP, attr);
        return true;
      } catch (SysException e) {
        if (e.errno() == Sys.ENOENT) {
          return false;
        }
        throw e;
      }
    }
  }

  /** The kernel-wide id of a program or map this process holds. */
  static int objectId(int fd) throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment info = arena.allocate(256, 8);
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      attr.set(JAVA_INT, 0, fd);
      attr.set(JAVA_INT, 4, (int) info.byteSize());
      attr.set(JAVA_LONG, 8, info.address());
      bpf("reading object info", CMD_OBJ_GET_INFO_BY_FD, attr);
      return info.get(JAVA_INT, 4);
    }
  }

  /** Whether a program (or a map) with this id still exists anywhere in the kernel. */
  static boolean exists(int id, boolean program) throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      attr.set(JAVA_INT, 0, id);
      try {
        int fd =
            (int)
                bpf("opening object", program ? CMD_PROG_GET_FD_BY_ID : CMD_MAP_GET_FD_BY_ID, attr);
        Sys.close(fd);
        return true;
      } catch (SysException e) {
        if (e.errno() == Sys.ENOENT) {
          return false;
        }
        throw e;
      }
    }
  }

  /** Opens the tracepoint's perf event, attaches the program to it and enables it. */
  static int attachTracepoint(long tracepointId, int progFd, String what) throws SysException {
    int pfd;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE);
      attr.set(JAVA_INT, 0, PERF_TYPE_TRACEPOINT);
      attr.set(JAVA_INT, 4, ATTR_SIZE);
      attr.set(JAVA_LONG, 8, tracepointId);
      attr.set(JAVA_LONG, 16, 1);
      attr.set(JAVA_LONG, 24, PERF_SAMPLE_RAW);
      attr.set(JAVA_INT, 48, 1);
      // One event on CPU 0 is the attachment point; the program runs on every CPU.
      pfd =
          (int)
              Sys.call(
                  "perf_event_open " + what,
                  Sys.NR.perfEventOpen(),
                  attr.address(),
                  -1,
                  0,
                  -1,
                  PERF_FLAG_FD_CLOEXEC,
                  0);
    }
    try {
      Sys.call("attaching to " + what, Sys.NR.ioctl(), pfd, PERF_EVENT_IOC_SET_BPF, progFd);
      Sys.call("enabling " + what, Sys.NR.ioctl(), pfd, PERF_EVENT_IOC_ENABLE, 0);
      return pfd;
    } catch (SysException e) {
      Sys.close(pfd);
      throw e;
    }
  }

  private static long bpf(String what, int cmd, MemorySegment attr) throws SysException {
    return Sys.call(what, Sys.NR.bpf(), cmd, attr.address(), attr.byteSize());
  }

  private static void putName(MemorySegment attr, long offset, String name) {
    byte[] b = name.getBytes(StandardCharsets.US_ASCII);
    int n = Math.min(b.length, 15);
    for (int i = 0; i < n; i++) {
      attr.set(JAVA_BYTE, offset + i, b[i]);
    }
  }

  private static String lastLines(String log, int lines) {
    String[] all = log.strip().split("\n");
    int from = Math.max(0, all.length - lines);
    return String.join(" | ", java.util.Arrays.copyOfRange(all, from, all.length));
  }
}
