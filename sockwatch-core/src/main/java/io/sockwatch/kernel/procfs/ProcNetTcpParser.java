package io.sockwatch.kernel.procfs;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import java.util.List;
import java.util.Objects;

/**
 * Parses the text of {@code /proc/net/tcp} or {@code /proc/net/tcp6} into {@link SocketRecord}s.
 *
 * <p>A row reads {@code sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
 * refcnt sk ...}. The parser works on the raw bytes with a hand-rolled hex reader because this file
 * is the fallback for hosts with a million sockets (about 150 MB of text): no regex, no split, no
 * per-field strings, and rows filtered out by state cost no allocation at all.
 *
 * <p>What the kernel prints, and how each column is read ({@code net/ipv4/tcp_ipv4.c}, {@code
 * net/ipv6/tcp_ipv6.c}):
 *
 * <ul>
 *   <li>Addresses are 32-bit words printed in host byte order, so on the little-endian hosts
 *       sockwatch supports {@code 0100007F:1F90} is 127.0.0.1:8080; tcp6 prints four such words.
 *       Ports are plain hex.
 *   <li>{@code tx_queue} is bytes not yet acknowledged and {@code rx_queue} bytes not yet read, as
 *       sock_diag reports them, except for LISTEN: there {@code rx_queue} is the accept-queue
 *       length but {@code tx_queue} is always 0, because the backlog limit that sock_diag puts in
 *       its place is not printed here. LISTEN rows therefore get {@link SocketRecord#ABSENT} as
 *       their send queue rather than a false 0 (checked against {@code ss -ltn} on 6.18).
 *   <li>{@code tm->when} is in clock ticks (USER_HZ, which Linux fixes at 100 for user space), so
 *       one tick is 10 ms.
 *   <li>sock_diag reports, as the timer's retransmit count, {@code icsk_retransmits} for the
 *       retransmit timer but the probe count for the keepalive and zero-window-probe timers. Here
 *       the probe count is the column headed {@code timeout}, so that column is used for those two
 *       timers and {@code retrnsmt} for the others, giving the same number as the netlink source.
 *   <li>TIME_WAIT sockets (timer code 3; their state column may also read FIN_WAIT2, the substate
 *       of an orphaned closing socket) are printed by a different function with zeros for the
 *       queues, uid and inode and without the trailing columns. Their uid is unknown, so it is
 *       reported as absent; inode 0 is kept because that is what "no inode" means everywhere.
 *   <li>Request sockets (half-open passive connections) print state SYN_RECV with the listener's
 *       uid and inode 0, exactly as sock_diag reports them.
 * </ul>
 *
 * <p>The header line and blank lines are skipped; columns beyond {@code inode} are ignored so that
 * newer layouts still parse. Lines that do not have the expected shape are skipped and counted. A
 * last line without its newline is not parsed at all: the kernel ends every line with one, so such
 * a line was cut short by whatever produced the text and could carry a truncated number.
 */
public final class ProcNetTcpParser {

  /**
   * What one parse found.
   *
   * @param rows rows appended to the output (after state filtering)
   * @param badLines lines that did not have the expected shape and were skipped (a row whose state
   *     is filtered out is only checked up to its state column)
   * @param firstBadLine 1-based number of the first bad line, or 0 if there was none
   * @param truncated whether the text ended inside a line (that line was ignored)
   */
  public record Result(int rows, int badLines, int firstBadLine, boolean truncated) {}

  /** Milliseconds per clock tick: USER_HZ is 100 on every Linux architecture sockwatch supports. */
  private static final long MILLIS_PER_TICK = 10;

  private static final int TIMER_TIME_WAIT = 3;

  private static final byte[] HEX_VALUE = new byte[256];

  static {
    java.util.Arrays.fill(HEX_VALUE, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX_VALUE['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX_VALUE['a' + i] = (byte) (10 + i);
      HEX_VALUE['A' + i] = (byte) (10 + i);
    }
  }

  private ProcNetTcpParser() {}

  /**
   * Parses {@code length} bytes of {@code /proc/net/tcp} (family INET) or {@code /proc/net/tcp6}
   * (family INET6) text and appends the rows whose state is in {@code stateMask} to {@code out}.
   *
   * @param stateMask bit {@code 1 << state.code()} per wanted state, as {@link
   *     io.sockwatch.kernel.ScanRequest#kernelStateMask()} builds it; SYN_RECV rows also match the
   *     NEW_SYN_RECV bit, since request sockets appear here as SYN_RECV
   */
  public static Result parse(
      byte[] data, int length, AddressFamily family, int stateMask, List<SocketRecord> out) {
    Objects.checkFromIndexSize(0, length, data.length);
    return new LineReader(data, family == AddressFamily.INET6, stateMask, out).readAll(length);
  }

  /** The mutable cursor over one text; one is made per parse so the class stays thread-safe. */
  private static final class LineReader {
    private static final int ROW = 0;
    private static final int SKIPPED = 1;
    private static final int BAD = 2;

    private final byte[] b;
    private final boolean v6;
    private final int stateMask;
    private final List<SocketRecord> out;

    /** Cursor and end (exclusive, the newline) of the current line. */
    private int p;

    private int end;

    /** The number or address the last successful read produced. */
    private long value;

    private long addrHi;
    private long addrLo;

    /** Consecutive rows often share addresses; reusing the last one saves an allocation each. */
    private IpAddress lastLocal;

    private IpAddress lastRemote;

    LineReader(byte[] b, boolean v6, int stateMask, List<SocketRecord> out) {
      this.b = b;
      this.v6 = v6;
      this.stateMask = stateMask;
      this.out = out;
      IpAddress any = v6 ? IpAddress.V6_ANY : IpAddress.V4_ANY;
      this.lastLocal = any;
      this.lastRemote = any;
    }

    Result readAll(int length) {
      int rows = 0;
      int bad = 0;
      int firstBad = 0;
      int lineNo = 0;
      int pos = 0;
      while (pos < length) {
        lineNo++;
        int nl = pos;
        while (nl < length && b[nl] != '\n') {
          nl++;
        }
        if (nl == length) {
          return new Result(rows, bad, firstBad, true);
        }
        p = pos;
        end = nl;
        pos = nl + 1;
        int outcome = line();
        if (outcome == ROW) {
          rows++;
        } else if (outcome == BAD) {
          bad++;
          if (firstBad == 0) {
            firstBad = lineNo;
          }
        }
      }
      return new Result(rows, bad, firstBad, false);
    }

    private int line() {
      skipBlanks();
      if (p == end || isHeader()) {
        return SKIPPED;
      }
      // sl
      if (!decimal(10) || !expect(':') || !nextField()) {
        return BAD;
      }
      if (!address() || !nextField()) {
        return BAD;
      }
      long localHi = addrHi;
      long localLo = addrLo;
      int localPort = (int) value;
      if (!address() || !nextField()) {
        return BAD;
      }
      long remoteHi = addrHi;
      long remoteLo = addrLo;
      int remotePort = (int) value;
      if (!hex(8) || !nextField()) {
        return BAD;
      }
      TcpState state = value > 0xff ? TcpState.UNKNOWN : TcpState.ofCode((int) value);
      if (!wanted(state)) {
        return SKIPPED;
      }
      if (!hex(8) || !expect(':')) {
        return BAD;
      }
      long txQueue = value;
      if (!hex(8) || !nextField()) {
        return BAD;
      }
      long rxQueue = value;
      if (!hex(8) || !expect(':')) {
        return BAD;
      }
      int timerCode = (int) value;
      if (!hex(16) || !nextField() || value > Long.MAX_VALUE / MILLIS_PER_TICK) {
        return BAD;
      }
      long timerMillis = value * MILLIS_PER_TICK;
      if (!hex(8) || !nextField() || value > Integer.MAX_VALUE) {
        return BAD;
      }
      int retransmits = (int) value;
      if (!decimal(10) || !nextField()) {
        return BAD;
      }
      long uid = value;
      if (!signedDecimal(10) || !nextField()) {
        return BAD;
      }
      long probes = value;
      if (!decimal(18) || !fieldEnd()) {
        return BAD;
      }
      long inode = value;

      SocketTimer timer = SocketTimer.ofCode(timerCode);
      boolean timeWait = timerCode == TIMER_TIME_WAIT;
      boolean probing = timer == SocketTimer.KEEPALIVE || timer == SocketTimer.ZERO_WINDOW_PROBE;
      if (probing && (probes < 0 || probes > Integer.MAX_VALUE)) {
        return BAD;
      }
      out.add(
          new SocketRecord(
              v6 ? AddressFamily.INET6 : AddressFamily.INET,
              state,
              local(localHi, localLo),
              localPort,
              remote(remoteHi, remoteLo),
              remotePort,
              0,
              SocketRecord.ABSENT,
              timer,
              probing ? (int) probes : retransmits,
              timerMillis,
              rxQueue,
              state == TcpState.LISTEN ? SocketRecord.ABSENT : txQueue,
              timeWait ? SocketRecord.ABSENT : uid,
              inode,
              TcpInfo.NONE,
              SkMemInfo.NONE,
              ""));
      return ROW;
    }

    private boolean wanted(TcpState state) {
      int bit = 1 << state.code();
      if (state == TcpState.SYN_RECV) {
        bit |= 1 << TcpState.NEW_SYN_RECV.code();
      }
      return (stateMask & bit) != 0;
    }

    private boolean isHeader() {
      return end - p >= 2 && b[p] == 's' && b[p + 1] == 'l';
    }

    private IpAddress local(long hi, long lo) {
      IpAddress a = lastLocal;
      if (a.hi() != hi || a.lo() != lo) {
        a = v6 ? IpAddress.ofV6(hi, lo) : IpAddress.ofV4((int) lo);
        lastLocal = a;
      }
      return a;
    }

    private IpAddress remote(long hi, long lo) {
      IpAddress a = lastRemote;
      if (a.hi() != hi || a.lo() != lo) {
        a = v6 ? IpAddress.ofV6(hi, lo) : IpAddress.ofV4((int) lo);
        lastRemote = a;
      }
      return a;
    }

    /**
     * Reads {@code WORDS:PORT}: one (tcp) or four (tcp6) host-order 32-bit words into {@link
     * #addrHi}/{@link #addrLo} in network order, and the port into {@link #value}.
     */
    private boolean address() {
      if (v6) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
          if (!fixedHex(8)) {
            return false;
          }
          long word = Integer.reverseBytes((int) value) & 0xffffffffL;
          if (i < 2) {
            hi = (hi << 32) | word;
          } else {
            lo = (lo << 32) | word;
          }
        }
        addrHi = hi;
        addrLo = lo;
      } else {
        if (!fixedHex(8)) {
          return false;
        }
        addrHi = 0;
        addrLo = Integer.reverseBytes((int) value) & 0xffffffffL;
      }
      return expect(':') && fixedHex(4);
    }

    /** Reads exactly {@code digits} hex digits into {@link #value}. */
    private boolean fixedHex(int digits) {
      if (end - p < digits) {
        return false;
      }
      long v = 0;
      for (int i = 0; i < digits; i++) {
        int d = HEX_VALUE[b[p + i] & 0xff];
        if (d < 0) {
          return false;
        }
        v = (v << 4) | d;
      }
      p += digits;
      value = v;
      return true;
    }

    /** Reads 1 to {@code maxDigits} hex digits (at most 15, so the value stays non-negative). */
    private boolean hex(int maxDigits) {
      int start = p;
      long v = 0;
      while (p < end) {
        int d = HEX_VALUE[b[p] & 0xff];
        if (d < 0) {
          break;
        }
        v = (v << 4) | d;
        p++;
      }
      int n = p - start;
      if (n == 0 || n > Math.min(maxDigits, 15)) {
        return false;
      }
      value = v;
      return true;
    }

    /** Reads 1 to {@code maxDigits} (at most 18) decimal digits into {@link #value}. */
    private boolean decimal(int maxDigits) {
      int start = p;
      long v = 0;
      while (p < end) {
        int d = b[p] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        v = v * 10 + d;
        p++;
      }
      int n = p - start;
      if (n == 0 || n > Math.min(maxDigits, 18)) {
        return false;
      }
      value = v;
      return true;
    }

    private boolean signedDecimal(int maxDigits) {
      boolean negative = p < end && b[p] == '-';
      if (negative) {
        p++;
      }
      if (!decimal(maxDigits)) {
        return false;
      }
      if (negative) {
        value = -value;
      }
      return true;
    }

    private boolean expect(char c) {
      if (p < end && b[p] == c) {
        p++;
        return true;
      }
      return false;
    }

    /** True if the field just read ends here (a blank or the end of the line follows). */
    private boolean fieldEnd() {
      return p == end || b[p] == ' ' || b[p] == '\t';
    }

    /** Requires at least one blank after the field just read and another field after it. */
    private boolean nextField() {
      if (p == end || (b[p] != ' ' && b[p] != '\t')) {
        return false;
      }
      skipBlanks();
      return p < end;
    }

    private void skipBlanks() {
      while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r')) {
        p++;
      }
    }
  }
}
