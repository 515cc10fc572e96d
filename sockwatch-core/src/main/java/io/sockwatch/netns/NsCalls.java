package io.sockwatch.netns;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The libc calls that move a thread between network namespaces: {@code open} a namespace file,
 * {@code setns} on it, {@code close}. Each captures errno right after the call (reading it later
 * would see whatever the JVM did in between). Confined to one thread, like the state it reuses.
 *
 * <p>Loading this class fails with a {@link LinkageError} when the JVM denies native access.
 */
final class NsCalls implements AutoCloseable {

  static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;

  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
  private static final Linker LINKER = Linker.nativeLinker();
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  /**
   * {@code int open(const char *path, int flags, ...)}: variadic, so the mode is passed as such.
   */
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));

  /** {@code int setns(int fd, int nstype)}. */
  private static final MethodHandle SETNS =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("setns"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
          CAPTURE_ERRNO);

  /** {@code int close(int fd)}. */
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("close"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT),
          CAPTURE_ERRNO);

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);

  /** Opens {@code file} read-only, close-on-exec; returns the fd or -1 (see {@link #errno()}). */
  int open(Path file) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment path = call.allocateFrom(file.toString());
      return (int) OPEN.invokeExact(capture, path, O_RDONLY | O_CLOEXEC, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Moves the calling thread into the network namespace {@code fd} refers to; 0 or -1. */
  int setns(int fd) {
    try {
      return (int) SETNS.invokeExact(capture, fd, CLONE_NEWNET);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Closes {@code fd}; 0 or -1. */
  int close(int fd) {
    try {
      return (int) CLOSE.invokeExact(capture, fd);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The errno of the last call that failed. */
  int errno() {
    return (int) ERRNO.get(capture, 0L);
  }

  @Override
  public void close() {
    arena.close();
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
