package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling: wait for an exact condition instead of sleeping and hoping. */
final class Await {

  private static final long POLL_MILLIS = 200;

  private Await() {}

  /**
   * Polls {@code condition} every 200 ms until it holds; fails after {@code bound}, saying what was
   * awaited and the {@code context} at that moment (the page's text, the agent's log).
   */
  static void until(
      String what, Duration bound, BooleanSupplier condition, Supplier<String> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited " + bound.toSeconds() + " s for " + what + "\n" + context.get());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
