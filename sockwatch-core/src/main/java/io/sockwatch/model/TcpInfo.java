package io.sockwatch.model;

import java.util.Arrays;

/**
 * Immutable copy of one socket's {@code struct tcp_info} as the kernel sent it.
 *
 * <p>The raw bytes are kept (not unpacked into ~55 longs) because the struct grows with every few
 * kernel releases and a table of a million sockets must stay small: 280 bytes per socket on 6.18
 * instead of ~500. Fields are decoded on access, little-endian as on every Linux host sockwatch
 * supports, and only when the payload is long enough to hold them; otherwise the accessor returns
 * {@link #ABSENT}. Absent is never reported as zero.
 */
public final class TcpInfo {

  /** Returned for a field the kernel did not send. All real values are non-negative. */
  public static final long ABSENT = -1;

  /** Null object for sockets that carry no tcp_info (TIME_WAIT, the /proc source). */
  public static final TcpInfo NONE = new TcpInfo(new byte[0]);

  private final byte[] raw;

  private TcpInfo(byte[] raw) {
    this.raw = raw;
  }

  /** Copies {@code length} bytes of a tcp_info payload starting at {@code offset}. */
  public static TcpInfo copyOf(byte[] source, int offset, int length) {
    return length == 0 ? NONE : new TcpInfo(Arrays.copyOfRange(source, offset, offset + length));
  }

  /** Payload length in bytes (232 on 6.1, 248 on 6.7, 280 on 6.18); 0 for {@link #NONE}. */
  public int length() {
    return raw.length;
  }

  public boolean isPresent() {
    return raw.length > 0;
  }

  public boolean has(TcpInfoField field) {
    return field.presentIn(raw.length);
  }

  /** The field's unsigned value, or {@link #ABSENT} when the payload is too short for it. */
  public long get(TcpInfoField field) {
    int off = field.offset();
    if (off + field.width() > raw.length) {
      return ABSENT;
    }
    return switch (field.width()) {
      case 1 -> raw[off] & 0xffL;
      case 2 -> (raw[off] & 0xffL) | (raw[off + 1] & 0xffL) << 8;
      case 4 -> u32(off);
      default -> {
        long v = u32(off) | u32(off + 4) << 32;
        // u64 counters beyond 2^63 do not occur in practice; clamp rather than go negative.
        yield v < 0 ? Long.MAX_VALUE : v;
      }
    };
  }

  private long u32(int off) {
    return (raw[off] & 0xffL)
        | (raw[off + 1] & 0xffL) << 8
        | (raw[off + 2] & 0xffL) << 16
        | (raw[off + 3] & 0xffL) << 24;
  }

  /** Smoothed round-trip time in microseconds, or {@link #ABSENT}. */
  public long rttMicros() {
    return get(TcpInfoField.RTT);
  }

  /** Milliseconds since data was last received, or {@link #ABSENT}. */
  public long lastDataRecvMillis() {
    return get(TcpInfoField.LAST_DATA_RECV);
  }

  /** Milliseconds since data was last sent, or {@link #ABSENT}. */
  public long lastDataSentMillis() {
    return get(TcpInfoField.LAST_DATA_SENT);
  }

  /** Milliseconds since an ACK was last received, or {@link #ABSENT}. */
  public long lastAckRecvMillis() {
    return get(TcpInfoField.LAST_ACK_RECV);
  }

  /** Segments retransmitted over the connection's life, or {@link #ABSENT}. */
  public long totalRetrans() {
    return get(TcpInfoField.TOTAL_RETRANS);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcpInfo t && Arrays.equals(raw, t.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return raw.length == 0 ? "TcpInfo[none]" : "TcpInfo[" + raw.length + " bytes]";
  }
}
