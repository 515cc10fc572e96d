package io.sockwatch.watch;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs {@link Sampler#tick()} every interval on one platform thread (the scan pins a carrier while
 * it blocks in netlink reads, so it gets a thread of its own rather than a virtual one). A tick
 * that overruns delays the next instead of piling up. Anything a tick throws is handed to {@code
 * onError} and sampling goes on: the agent must outlive a bad tick.
 */
public final class WatchLoop implements AutoCloseable {

  private final ScheduledExecutorService executor;

  private WatchLoop(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** Starts ticking now and every {@code intervalSeconds}. */
  public static WatchLoop start(
      Sampler sampler, double intervalSeconds, Consumer<Throwable> onError) {
    ThreadFactory daemon =
        r -> {
          Thread t = new Thread(r, "sockwatch-sampler");
          t.setDaemon(true);
          return t;
        };
    ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(daemon);
    long period = (long) (intervalSeconds * 1e9);
    ex.scheduleAtFixedRate(
        () -> {
          try {
            sampler.tick();
          } catch (RuntimeException | OutOfMemoryError e) {
            onError.accept(e);
          }
        },
        0,
        period,
        TimeUnit.NANOSECONDS);
    return new WatchLoop(ex);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
