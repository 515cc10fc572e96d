package io.sockwatch.kernel.bpf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Raw Linux system calls through libc's {@code syscall()}, with errno captured right after the
 * call. The tracer needs {@code bpf()} and {@code perf_event_open()}, which libc does not wrap, and
 * a few plain ones ({@code ioctl}, {@code mmap}, {@code close}, {@code mount}) that are simplest
 * the same way. Numbers are x86-64's and arm64's; other architectures are refused before any call.
 */
final class Sys {

  /** A failed call: the errno and what was being done. */
  static class SysException extends Exception {
    private final int errno;

    SysException(String what, int errno) {
      super(what + ": " + io.sockwatch.kernel.sockdiag.Errno.describe(errno));
      this.errno = errno;
    }

    int errno() {
      return errno;
    }
  }

  record Numbers(
      long close, long ioctl, long mmap, long munmap, long mount, long perfEventOpen, long bpf) {}

  /** This machine's syscall numbers, or null when the architecture is not one sockwatch knows. */
  static final Numbers NR =
      switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> new Numbers(3, 16, 9, 11, 165, 298, 321);
        case "aarch64" -> new Numbers(57, 29, 222, 215, 40, 241, 280);
        default -> null;
      };

  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
  private static final MethodHandle SYSCALL;

  static {
    Linker linker = Linker.nativeLinker();
    SYSCALL =
        linker.downcallHandle(
            linker.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));
  }

  private Sys() {}

  /**
   * {@code syscall(nr, a..f)}; unused arguments are passed as 0, which the kernel ignores.
   *
   * @throws SysException when the call returns -1
   */
  static long call(String what, long nr, long a, long b, long c, long d, long e, long f)
      throws SysException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      long r;
      try {
        r = (long) SYSCALL.invokeExact(state, nr, a, b, c, d, e, f);
      } catch (Throwable t) {
        throw new IllegalStateException("syscall downcall failed", t);
      }
      if (r == -1) {
        throw new SysException(what, (int) ERRNO.get(state, 0L));
      }
      return r;
    }
  }

  static long call(String what, long nr, long a, long b, long c) throws SysException {
    return call(what, nr, a, b, c, 0, 0, 0);
  }

  /** Closes a descriptor; errors of close are of no use here. */
  static void close(int fd) {
    if (fd >= 0) {
      try {
        call("close", NR.close(), fd, 0, 0);
      } catch (SysException ignored) {
        // EBADF or EINTR: the descriptor is gone either way.
      }
    }
  }

  /** Whether errno reads as a missing privilege. */
  static boolean isPermission(int errno) {
    return errno == 1 || errno == 13;
  }

  static final int ENOENT = 2;
}
