package io.sockwatch.kernel.sockdiag;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SourceUnavailableException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * The I/O half of a sock_diag read: a netlink socket plus one native receive buffer and one Java
 * copy of it, both reused for every reply. Each {@link #startDump} opens a fresh socket so that a
 * dump abandoned halfway (timeout, bad reply) can never leak messages into the next one.
 *
 * <p>Sockets are created on the calling thread, so they belong to that thread's network namespace.
 * Confined to the thread that opened it; close it in a finally block.
 */
final class SockDiagChannel implements AutoCloseable {

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
  private final MemorySegment kernelAddress = arena.allocate(Libc.SOCKADDR_NL_LEN);
  private final MemorySegment request = arena.allocate(DumpRequest.LENGTH);
  private final MemorySegment timeval = arena.allocate(Libc.TIMEVAL_LEN);
  private final MemorySegment nativeBuffer;
  private final byte[] buffer;
  private final Duration timeout;
  private int fd = -1;
  private boolean lastReplyTruncated;

  /**
   * @param bufferSize bytes per receive; at least 32 KiB, the kernel's largest dump batch
   * @param timeout how long one receive may wait before the dump is given up
   */
  SockDiagChannel(int bufferSize, Duration timeout) {
    this.nativeBuffer = arena.allocate(bufferSize, 8);
    this.buffer = new byte[bufferSize];
    this.timeout = timeout;
    kernelAddress.set(JAVA_SHORT, 0, (short) SockDiagProtocol.AF_NETLINK);
    timeval.set(JAVA_LONG, 0, timeout.toSeconds());
    timeval.set(JAVA_LONG, 8, timeout.toMillisPart() * 1000L);
  }

  /**
   * Opens a new netlink socket (closing the previous one) and sends a dump request on it.
   *
   * @throws SourceUnavailableException when no sock_diag socket can be created here
   * @throws IOException when the socket cannot be set up or the request cannot be sent
   */
  void startDump(AddressFamily family, int stateMask, int extensions)
      throws SourceUnavailableException, IOException {
    closeSocket();
    fd = openSocket();
    if (setReceiveTimeout() < 0) {
      throw new IOException("cannot set a receive timeout: " + Errno.describe(errno()));
    }
    byte[] bytes = DumpRequest.encode(family, stateMask, extensions, family.code());
    MemorySegment.copy(bytes, 0, request, JAVA_BYTE, 0, bytes.length);
    long sent;
    do {
      sent = send(bytes.length);
    } while (sent < 0 && errno() == Errno.EINTR);
    if (sent < 0) {
      throw new IOException("cannot send the dump request: " + Errno.describe(errno()));
    }
  }

  /**
   * Receives the next reply into {@link #buffer()}.
   *
   * @return the number of bytes received (at most the buffer's length)
   * @throws IOException on a receive error, after the timeout, or if the kernel sends nothing
   */
  int receive() throws IOException {
    long n;
    do {
      n = recv();
    } while (n < 0 && errno() == Errno.EINTR);
    if (n < 0) {
      int errno = errno();
      throw new IOException(
          errno == Errno.EAGAIN
              ? "no reply from the kernel within " + timeout.toMillis() + " ms"
              : "cannot receive the dump: " + Errno.describe(errno));
    }
    if (n == 0) {
      throw new IOException("the kernel ended the reply stream without NLMSG_DONE");
    }
    lastReplyTruncated = n > buffer.length;
    int length = (int) Math.min(n, buffer.length);
    MemorySegment.copy(nativeBuffer, JAVA_BYTE, 0, buffer, 0, length);
    return length;
  }

  /** The bytes of the last reply; valid until the next {@link #receive()}. */
  byte[] buffer() {
    return buffer;
  }

  /** Whether the last reply was longer than the buffer, so its tail was lost. */
  boolean lastReplyTruncated() {
    return lastReplyTruncated;
  }

  @Override
  public void close() {
    try {
      closeSocket();
    } finally {
      arena.close();
    }
  }

  private int openSocket() throws SourceUnavailableException {
    int s;
    try {
      s =
          (int)
              Libc.SOCKET.invokeExact(
                  capture,
                  SockDiagProtocol.AF_NETLINK,
                  Libc.SOCK_RAW | Libc.SOCK_CLOEXEC,
                  SockDiagProtocol.NETLINK_SOCK_DIAG);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (s >= 0) {
      return s;
    }
    int errno = errno();
    String what =
        switch (errno) {
          case Errno.EPERM, 13 -> "Netlink sock_diag is not permitted here";
          case Errno.EAFNOSUPPORT -> "This kernel or sandbox has no netlink sockets";
          case Errno.EPROTONOSUPPORT -> "This kernel has no sock_diag netlink protocol";
          default -> "Cannot open a netlink sock_diag socket";
        };
    throw new SourceUnavailableException(what + ": " + Errno.describe(errno) + ".");
  }

  private void closeSocket() {
    if (fd >= 0) {
      int s = fd;
      fd = -1;
      try {
        // A failed close of a netlink socket leaves nothing to clean up; the result is ignored.
        int ignored = (int) Libc.CLOSE.invokeExact(s);
      } catch (Throwable t) {
        throw rethrow(t);
      }
    }
  }

  private int errno() {
    return Libc.errno(capture);
  }

  private int setReceiveTimeout() {
    try {
      return (int)
          Libc.SETSOCKOPT.invokeExact(
              capture, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, Libc.TIMEVAL_LEN);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private long send(int length) {
    try {
      return (long)
          Libc.SENDTO.invokeExact(
              capture, fd, request, (long) length, 0, kernelAddress, Libc.SOCKADDR_NL_LEN);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private long recv() {
    try {
      return (long)
          Libc.RECV.invokeExact(capture, fd, nativeBuffer, nativeBuffer.byteSize(), Libc.MSG_TRUNC);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Downcalls declare Throwable but only throw unchecked errors; pass those on unchanged. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }
}
