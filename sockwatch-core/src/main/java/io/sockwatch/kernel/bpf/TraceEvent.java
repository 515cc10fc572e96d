package io.sockwatch.kernel.bpf;

import static io.sockwatch.kernel.bpf.EventLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.sockwatch.model.IpAddress;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One record of the ring buffer, decoded: a connection that ended, with what was recorded at its
 * start.
 *
 * @param nowNanos when the state change happened (kernel monotonic clock)
 * @param startNanos when the connection was opened, 0 when it began before tracing
 * @param tgid the opener's thread group (process id), 0 for accepted or unknown connections
 * @param cgroupId the opener's cgroup v2 id, 0 when unknown
 * @param comm the opening thread's command name
 * @param oldState the TCP state the socket left
 * @param newState the state it moved to: FIN_WAIT1 (this side closes), CLOSE_WAIT (the peer closed)
 *     or CLOSE (a failed connect, a reset, an abort)
 * @param flags what was recorded of it ({@link EventLayout#FLAG_ACTIVE} and so on)
 * @param local the local address
 * @param localPort the local port
 * @param remote the peer address
 * @param remotePort the peer port
 */
record TraceEvent(
    long nowNanos,
    long startNanos,
    int tgid,
    long cgroupId,
    String comm,
    int oldState,
    int newState,
    int flags,
    IpAddress local,
    int localPort,
    IpAddress remote,
    int remotePort) {

  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;

  boolean active() {
    return (flags & FLAG_ACTIVE) != 0;
  }

  boolean passive() {
    return (flags & FLAG_PASSIVE) != 0;
  }

  /**
   * Decodes one record; empty for a record of another size, new state or address family (a newer
   * program's or a corrupt one), so that one bad record never stops the reading.
   */
  static Optional<TraceEvent> decode(MemorySegment r) {
    if (r.byteSize() != SIZE) {
      return Optional.empty();
    }
    int newState = r.get(JAVA_BYTE, NEW_STATE) & 0xff;
    int family = r.get(JAVA_SHORT_UNALIGNED, FAMILY) & 0xffff;
    boolean ending =
        newState == TCP_FIN_WAIT1 || newState == TCP_CLOSE_WAIT || newState == TCP_CLOSE;
    if (!ending || (family != AF_INET && family != AF_INET6)) {
      return Optional.empty();
    }
    long pidTgid = r.get(JAVA_LONG_UNALIGNED, PID_TGID);
    return Optional.of(
        new TraceEvent(
            r.get(JAVA_LONG_UNALIGNED, NOW_NS),
            r.get(JAVA_LONG_UNALIGNED, START_NS),
            (int) (pidTgid >>> 32),
            r.get(JAVA_LONG_UNALIGNED, CGROUP_ID),
            comm(r),
            r.get(JAVA_BYTE, OLD_STATE) & 0xff,
            newState,
            r.get(JAVA_BYTE, FLAGS) & 0xff,
            address(r, SADDR, family),
            r.get(JAVA_SHORT_UNALIGNED, SPORT) & 0xffff,
            address(r, DADDR, family),
            r.get(JAVA_SHORT_UNALIGNED, DPORT) & 0xffff));
  }

  private static String comm(MemorySegment r) {
    byte[] b = r.asSlice(COMM, COMM_LEN).toArray(JAVA_BYTE);
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    // A command name is whatever a process set; keep it printable.
    // Controls (C0 and C1) and format characters (bidi overrides) would act on a terminal.
    return new String(b, 0, n, StandardCharsets.UTF_8).replaceAll("[\\p{Cc}\\p{Cf}]", "?");
  }

  /** The tracepoint's 16-byte address, IPv4-mapped for IPv4 sockets, as an address. */
  private static IpAddress address(MemorySegment r, long offset, int family) {
    byte[] b = r.asSlice(offset, ADDR_LEN).toArray(JAVA_BYTE);
    IpAddress a = IpAddress.ofBytes(b);
    if (family == AF_INET || isV4Mapped(b)) {
      return IpAddress.ofBytes(java.util.Arrays.copyOfRange(b, 12, 16));
    }
    return a;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
