package io.sockwatch.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * FFM downcalls to the four libc calls the native descriptor walker needs: {@code openat}, {@code
 * getdents64}, {@code readlinkat}, {@code close}, each capturing {@code errno}. The handles are
 * static finals so the JIT treats them as constants. Class initialization fails (and {@link
 * NativeProcFs#unavailableReason()} says why) where they cannot be linked: no native access, a libc
 * without {@code getdents64} (glibc before 2.30), not Linux, or not 64-bit.
 */
final class LinuxFdCalls {
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int ESRCH = 3;
  static final int EACCES = 13;
  static final int ENOTDIR = 20;

  /** {@code AT_FDCWD}: resolve a path relative to the current directory. */
  static final int AT_FDCWD = -100;

  /**
   * {@code O_RDONLY|O_CLOEXEC}; O_CLOEXEC is 02000000 on x86-64 and arm64. O_DIRECTORY is left out
   * because its value differs between those architectures; getdents64 fails on a non-directory.
   */
  static final int OPEN_FLAGS = 02000000;

  static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /** {@code int openat(int dirfd, const char *path, int flags, ...)}. */
  static final MethodHandle OPENAT;

  /** {@code ssize_t getdents64(int fd, void *buf, size_t count)}. */
  static final MethodHandle GETDENTS64;

  /** {@code ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)}. */
  static final MethodHandle READLINKAT;

  /** {@code int close(int fd)}. */
  static final MethodHandle CLOSE;

  static {
    if (ADDRESS.byteSize() != Long.BYTES) {
      throw new UnsupportedOperationException("size_t is not 64-bit on this platform");
    }
    Linker linker = Linker.nativeLinker();
    Linker.Option errno = Linker.Option.captureCallState("errno");
    var libc = linker.defaultLookup();
    OPENAT =
        linker.downcallHandle(
            libc.findOrThrow("openat"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            errno,
            Linker.Option.firstVariadicArg(3));
    GETDENTS64 =
        linker.downcallHandle(
            libc.findOrThrow("getdents64"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
            errno);
    READLINKAT =
        linker.downcallHandle(
            libc.findOrThrow("readlinkat"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
            errno);
    CLOSE =
        linker.downcallHandle(
            libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
  }

  private LinuxFdCalls() {}

  /** The errno a call left in {@code capture} (a segment of {@link #CAPTURE_LAYOUT}). */
  static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }
}
