package io.sockwatch.process;

/**
 * Reads the socket descriptors of one process at a time. A scan makes one per worker thread, so
 * implementations may keep per-thread buffers and need not be thread-safe.
 */
interface FdTableReader {
  /**
   * Adds every socket descriptor of {@code pid} to {@code shard} (via {@link ScanShard#add(long,
   * int)}) and counts the descriptors it saw. On a status other than {@link FdTableStatus#READ} the
   * caller discards what was added for this pid.
   */
  FdTableStatus read(int pid, ScanShard shard);
}
