package io.sockwatch.kernel.sockdiag;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.TestAbortedException;

/**
 * Runs test code on a fresh platform thread that has unshared its network namespace and brought its
 * loopback up, so that the test sees exactly the sockets it made (the machine may hold a million
 * others) and the reader is exercised from a thread outside the process's namespace. Threads that
 * thread starts, and processes it runs ({@code ss}, {@code ip}), share the new namespace; it
 * disappears when the thread ends and its sockets are closed.
 */
final class PrivateNetns {

  private static final int CLONE_NEWNET = 0x40000000;

  private PrivateNetns() {}

  /**
   * Runs {@code body} in a new network namespace and returns its result, rethrowing what it threw.
   * Aborts (skips) the test when namespaces cannot be created, e.g. without root.
   */
  static <T> T call(Duration timeout, Callable<T> body) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .name("private-netns")
            .start(
                () -> {
                  try {
                    enter();
                    result.set(body.call());
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
    if (!thread.join(timeout)) {
      thread.interrupt();
      throw new AssertionError("test body still running after " + timeout);
    }
    Throwable t = failure.get();
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return result.get();
  }

  private static void enter() throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle unshare =
        linker.downcallHandle(
            linker.defaultLookup().findOrThrow("unshare"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
      int rc = (int) unshare.invokeExact(state, CLONE_NEWNET);
      if (rc != 0) {
        int errno =
            (int)
                Linker.Option.captureStateLayout()
                    .varHandle(PathElement.groupElement("errno"))
                    .get(state, 0L);
        throw new TestAbortedException(
            "cannot create a network namespace (" + Errno.describe(errno) + "); needs root");
      }
    }
    SsTan.run("ip", "link", "set", "lo", "up");
  }
}
