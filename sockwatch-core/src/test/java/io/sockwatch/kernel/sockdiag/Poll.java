package io.sockwatch.kernel.sockdiag;

import java.time.Duration;

/** Waits for a condition with a deadline, instead of sleeping and hoping. */
final class Poll {

  /** A condition that may do I/O to find out. */
  interface Condition {
    boolean holds() throws Exception;
  }

  private Poll() {}

  /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
  static void until(Duration timeout, String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
