package io.sockwatch.model;

/**
 * Per-socket memory from sock_diag {@code INET_DIAG_SKMEMINFO} (the {@code skmem:(...)} part of
 * {@code ss -m}), in bytes. Each field is {@link TcpInfo#ABSENT} when the kernel's array was too
 * short to hold it. This is what lets TCP memory be attributed to processes.
 */
public record SkMemInfo(
    long rmemAlloc,
    long rcvBuf,
    long wmemAlloc,
    long sndBuf,
    long fwdAlloc,
    long wmemQueued,
    long optMem,
    long backlog,
    long drops) {

  /** Null object for sockets without skmem (TIME_WAIT, the /proc source). */
  public static final SkMemInfo NONE =
      new SkMemInfo(
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT,
          TcpInfo.ABSENT);

  public boolean isPresent() {
    return rmemAlloc != TcpInfo.ABSENT;
  }

  /**
   * Memory the socket holds in the kernel's TCP accounting: receive + send allocations plus
   * forward-allocated and queued bytes, or {@link TcpInfo#ABSENT} if not reported.
   */
  public long chargedBytes() {
    if (!isPresent()) {
      return TcpInfo.ABSENT;
    }
    long sum = rmemAlloc;
    sum += Math.max(0, wmemQueued);
    sum += Math.max(0, fwdAlloc);
    return sum;
  }
}
