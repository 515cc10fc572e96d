package io.sockwatch.kernel.sockdiag;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls to the few libc socket functions the netlink reader needs. Each call that can fail
 * takes a capture-state segment first, into which the JVM stores errno right after the call:
 * reading errno later would see whatever the JVM itself did in between.
 *
 * <p>Loading this class fails with a {@link LinkageError} when the JVM denies native access ({@code
 * --illegal-native-access=deny} without {@code --enable-native-access}).
 */
final class Libc {

  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;

  /** recv flag: return the datagram's real length even when it did not fit the buffer. */
  static final int MSG_TRUNC = 0x20;

  /** {@code sizeof(struct sockaddr_nl)}. */
  static final int SOCKADDR_NL_LEN = 12;

  /** {@code sizeof(struct timeval)} with 64-bit time_t. */
  static final int TIMEVAL_LEN = 16;

  static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));

  private static final Linker LINKER = Linker.nativeLinker();
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  /** {@code int socket(int domain, int type, int protocol)}. */
  static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

  /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)}. */
  static final MethodHandle SETSOCKOPT =
      downcall(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

  /** {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, addr, addrlen)}. */
  static final MethodHandle SENDTO =
      downcall(
          "sendto",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

  /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags)}. */
  static final MethodHandle RECV =
      downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

  /** {@code int close(int fd)}; its errors are of no use to a reader, so errno is not kept. */
  static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private Libc() {}

  /** The errno the last captured call left in {@code state}. */
  static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), descriptor, CAPTURE_ERRNO);
  }
}
