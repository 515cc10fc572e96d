package io.sockwatch.kernel.sockdiag;

import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.ATTRS_OFFSET;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_CONG;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_INFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_SKMEMINFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_COOKIE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_DPORT;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_DST;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_EXPIRES;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_FAMILY;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_IF;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_INODE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_RETRANS;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_RQUEUE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_SPORT;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_SRC;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_STATE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_TIMER;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_UID;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.MSG_WQUEUE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLA_TYPE_MASK;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLMSG_DONE;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLMSG_ERROR;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLMSG_HDRLEN;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.RTA_HDRLEN;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.SOCK_DIAG_BY_FAMILY;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.align;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Parses the replies of a sock_diag {@code SOCK_DIAG_BY_FAMILY} dump into {@link SocketRecord}s.
 * Pure: it reads bytes the caller received and touches nothing else, so it can be tested on
 * recorded dumps and fuzzed.
 *
 * <p>Feed it each {@code recv} in turn with {@link #parse}; it answers whether more replies follow.
 * It trusts no length field: every read is bounds-checked against the message it belongs to and
 * every step moves forward by at least a header, so bad input costs at most one pass over the
 * buffer. What it could not read is counted in {@link #problems()}, never thrown.
 *
 * <p>Host-order fields are read as little-endian: the byte order of every host sockwatch supports,
 * and the order {@link TcpInfo} decodes. {@link NetlinkSockDiagSource} refuses to run elsewhere.
 * tcp_info is kept at whatever length the kernel sent, so older (shorter) and newer (longer)
 * kernels both work; fields past the end read as absent.
 *
 * <p>One instance serves one dump (it keeps small caches and the problem counts); it is not
 * thread-safe.
 */
public final class SockDiagParser {

  /** What the caller should do after a buffer has been parsed. */
  public enum Outcome {
    /** The dump goes on: receive the next reply. */
    MORE,
    /** NLMSG_DONE (or a final acknowledgement) arrived: the dump is complete. */
    DONE,
    /** The kernel refused the dump or the stream is unreadable; see {@link #problems()}. */
    FAILED
  }

  private static final VarHandle U16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle BE64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final SockDiagProblems problems = new SockDiagProblems();
  private final CongestionNames congestionNames = new CongestionNames();

  // Sockets of one host share few addresses (127.0.0.1, the host's own); reusing the previous
  // row's address objects avoids two allocations per socket in the common case.
  private IpAddress lastLocal = IpAddress.V4_ANY;
  private IpAddress lastRemote = IpAddress.V4_ANY;

  // Idle sockets report identical socket memory (nothing queued, default buffer sizes), so a
  // small cache of recent values, looked up by their hash, shares one object among them: a table
  // of 100k sockets then holds a few hundred SkMemInfo instead of 100k (88 bytes each), which the
  // agent's heap and garbage collector feel on every scan.
  private final SkMemInfo[] recentSkMem = new SkMemInfo[64];

  /** Counts of what could not be read so far, and why the dump failed if it did. */
  public SockDiagProblems problems() {
    return problems;
  }

  /**
   * Parses the netlink messages in {@code buf[0, length)} (one {@code recv}) and appends a record
   * per socket to {@code out}, in kernel order.
   *
   * @return {@link Outcome#DONE} at NLMSG_DONE, {@link Outcome#FAILED} at a kernel error or an
   *     unreadable stream, {@link Outcome#MORE} otherwise (including after a truncated message,
   *     since the next reply starts on a message boundary again)
   * @throws IndexOutOfBoundsException if {@code length} exceeds {@code buf.length}
   */
  public Outcome parse(byte[] buf, int length, List<? super SocketRecord> out) {
    Objects.checkFromIndexSize(0, length, buf.length);
    int off = 0;
    while (length - off >= NLMSG_HDRLEN) {
      long claimed = unsigned(u32(buf, off));
      if (claimed < NLMSG_HDRLEN) {
        problems.malformedMessage();
        problems.fail("malformed netlink message (length " + claimed + ")");
        return Outcome.FAILED;
      }
      if (claimed > length - off) {
        problems.truncatedMessage();
        return Outcome.MORE;
      }
      int len = (int) claimed;
      int type = u16(buf, off + 4);
      switch (type) {
        case SOCK_DIAG_BY_FAMILY -> socket(buf, off, len, out);
        case NLMSG_DONE -> {
          return done(buf, off, len);
        }
        case NLMSG_ERROR -> {
          return error(buf, off, len);
        }
        default -> {
          // NOOP, OVERRUN and types a newer kernel may add carry no sockets.
        }
      }
      off += align(len);
    }
    if (off < length) {
      problems.truncatedMessage();
    }
    return Outcome.MORE;
  }

  /** NLMSG_DONE carries the dump's final status; a negative one means it stopped early. */
  private Outcome done(byte[] buf, int off, int len) {
    if (len >= NLMSG_HDRLEN + 4) {
      int status = u32(buf, off + NLMSG_HDRLEN);
      if (status < 0) {
        problems.fail("the kernel ended the dump early: " + Errno.describe(-status));
      }
    }
    return Outcome.DONE;
  }

  /** NLMSG_ERROR ends a request: error 0 is an acknowledgement, a negative one a refusal. */
  private Outcome error(byte[] buf, int off, int len) {
    if (len < NLMSG_HDRLEN + 4) {
      problems.malformedMessage();
      problems.fail("malformed netlink error message");
      return Outcome.FAILED;
    }
    int status = u32(buf, off + NLMSG_HDRLEN);
    if (status == 0) {
      return Outcome.DONE;
    }
    problems.fail("the kernel refused the dump: " + Errno.describe(Math.abs(status)));
    return Outcome.FAILED;
  }

  private void socket(byte[] buf, int off, int len, List<? super SocketRecord> out) {
    if (len < ATTRS_OFFSET) {
      problems.malformedMessage();
      return;
    }
    int m = off + NLMSG_HDRLEN;
    int familyCode = buf[m + MSG_FAMILY] & 0xff;
    AddressFamily family;
    if (familyCode == AddressFamily.INET.code()) {
      family = AddressFamily.INET;
    } else if (familyCode == AddressFamily.INET6.code()) {
      family = AddressFamily.INET6;
    } else {
      problems.unknownFamily();
      return;
    }
    boolean v6 = family == AddressFamily.INET6;
    IpAddress local = address(buf, m + MSG_SRC, v6, lastLocal);
    IpAddress remote = address(buf, m + MSG_DST, v6, lastRemote);
    lastLocal = local;
    lastRemote = remote;

    TcpInfo tcpInfo = TcpInfo.NONE;
    SkMemInfo skMem = SkMemInfo.NONE;
    String congestion = "";
    int end = off + len;
    int a = off + ATTRS_OFFSET;
    while (end - a >= RTA_HDRLEN) {
      int attrLen = u16(buf, a);
      if (attrLen < RTA_HDRLEN || attrLen > end - a) {
        problems.truncatedAttribute();
        break;
      }
      int payload = a + RTA_HDRLEN;
      int payloadLen = attrLen - RTA_HDRLEN;
      switch (u16(buf, a + 2) & NLA_TYPE_MASK) {
        case INET_DIAG_INFO -> tcpInfo = TcpInfo.copyOf(buf, payload, payloadLen);
        case INET_DIAG_SKMEMINFO -> skMem = skMem(buf, payload, payloadLen);
        case INET_DIAG_CONG -> congestion = congestionNames.intern(buf, payload, payloadLen);
        default -> {
          // SHUTDOWN, SKV6ONLY, TOS, MEMINFO and later additions: not used.
        }
      }
      a += align(attrLen);
    }

    SocketTimer timer = SocketTimer.ofCode(buf[m + MSG_TIMER] & 0xff);
    // TIME_WAIT-shaped sockets (timer 3, including orphaned FIN_WAIT2) keep no owner: the kernel
    // sends uid 0 for them, which would read as root. Absent, as the /proc source reports it.
    long uid =
        timer == SocketTimer.TIME_WAIT ? SocketRecord.ABSENT : unsigned(u32(buf, m + MSG_UID));
    out.add(
        new SocketRecord(
            family,
            TcpState.ofCode(buf[m + MSG_STATE] & 0xff),
            local,
            be16(buf, m + MSG_SPORT),
            remote,
            be16(buf, m + MSG_DPORT),
            u32(buf, m + MSG_IF),
            unsigned(u32(buf, m + MSG_COOKIE)) | (long) u32(buf, m + MSG_COOKIE + 4) << 32,
            timer,
            buf[m + MSG_RETRANS] & 0xff,
            unsigned(u32(buf, m + MSG_EXPIRES)),
            unsigned(u32(buf, m + MSG_RQUEUE)),
            unsigned(u32(buf, m + MSG_WQUEUE)),
            uid,
            unsigned(u32(buf, m + MSG_INODE)),
            tcpInfo,
            skMem,
            congestion));
  }

  /** An address in network order; IPv4 uses the first 4 of the 16 bytes. */
  private static IpAddress address(byte[] buf, int at, boolean v6, IpAddress previous) {
    if (!v6) {
      long v4 = unsigned((int) BE32.get(buf, at));
      return !previous.v6() && previous.lo() == v4 ? previous : IpAddress.ofV4((int) v4);
    }
    long hi = (long) BE64.get(buf, at);
    long lo = (long) BE64.get(buf, at + 8);
    return previous.v6() && previous.hi() == hi && previous.lo() == lo
        ? previous
        : IpAddress.ofV6(hi, lo);
  }

  /** A u32 array of any length; fields beyond its end are absent. Equal values share one object. */
  private SkMemInfo skMem(byte[] buf, int at, int length) {
    SkMemInfo m = readSkMem(buf, at, length);
    if (m == SkMemInfo.NONE) {
      return m;
    }
    int slot = m.hashCode() & (recentSkMem.length - 1);
    SkMemInfo cached = recentSkMem[slot];
    if (m.equals(cached)) {
      return cached;
    }
    recentSkMem[slot] = m;
    return m;
  }

  private static SkMemInfo readSkMem(byte[] buf, int at, int length) {
    int n = length / 4;
    if (n == 0) {
      return SkMemInfo.NONE;
    }
    return new SkMemInfo(
        skField(buf, at, n, 0),
        skField(buf, at, n, 1),
        skField(buf, at, n, 2),
        skField(buf, at, n, 3),
        skField(buf, at, n, 4),
        skField(buf, at, n, 5),
        skField(buf, at, n, 6),
        skField(buf, at, n, 7),
        skField(buf, at, n, 8));
  }

  private static long skField(byte[] buf, int at, int count, int index) {
    return index < count ? unsigned(u32(buf, at + 4 * index)) : TcpInfo.ABSENT;
  }

  private static int u16(byte[] buf, int at) {
    return (short) U16.get(buf, at) & 0xffff;
  }

  private static int be16(byte[] buf, int at) {
    return (short) BE16.get(buf, at) & 0xffff;
  }

  private static int u32(byte[] buf, int at) {
    return (int) U32.get(buf, at);
  }

  private static long unsigned(int v) {
    return v & 0xffffffffL;
  }
}
