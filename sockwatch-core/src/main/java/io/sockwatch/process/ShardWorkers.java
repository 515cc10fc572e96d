package io.sockwatch.process;

import java.util.function.IntFunction;

/**
 * The worker threads of a walk of every process's descriptors, for both owner scanners: shard 0
 * runs on the caller's thread, the others on platform daemon threads (the work blocks in the
 * kernel's /proc reads, which pin a virtual thread's carrier anyway). A failed shard fails the
 * walk, with its cause, after every shard has ended; no thread outlives the call.
 */
final class ShardWorkers {

  /**
   * Worker threads per walk: one per core, at most 4. The work is CPU time in the kernel, which
   * runs in parallel per process, so more threads than cores gain nothing. On the 2-core dev VM at
   * 1M sockets, 2 threads took 2.7-3.3 s against 4.0 s for 1 when the other core was idle (3.7 s
   * against 4.0 s when other jobs kept it busy); more than 4 was not measured.
   */
  static final int DEFAULT_THREADS = Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4);

  private ShardWorkers() {}

  /**
   * Runs {@code shard} for indices 0 to {@code workers - 1} at once and returns their results by
   * index.
   *
   * @throws IllegalStateException when a shard threw, with that failure as the cause
   */
  static ScanShard[] run(int workers, IntFunction<ScanShard> shard) {
    ScanShard[] shards = new ScanShard[workers];
    Throwable[] failures = new Throwable[workers];
    Thread[] helpers = new Thread[workers - 1];
    for (int w = 1; w < workers; w++) {
      int index = w;
      helpers[w - 1] =
          Thread.ofPlatform()
              .name("sockwatch-attribution-" + w)
              .daemon()
              .start(() -> shards[index] = runCatching(shard, index, failures));
    }
    shards[0] = runCatching(shard, 0, failures);
    joinUninterruptibly(helpers);
    for (Throwable t : failures) {
      if (t != null) {
        throw new IllegalStateException("attribution worker failed", t);
      }
    }
    return shards;
  }

  private static ScanShard runCatching(
      IntFunction<ScanShard> shard, int index, Throwable[] failures) {
    try {
      return shard.apply(index);
    } catch (RuntimeException | Error e) {
      failures[index] = e;
      return new ScanShard();
    }
  }

  private static void joinUninterruptibly(Thread[] threads) {
    boolean interrupted = false;
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
