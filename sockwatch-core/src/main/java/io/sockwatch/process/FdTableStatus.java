package io.sockwatch.process;

/** How reading one process's descriptor table ended. */
enum FdTableStatus {
  /** The whole table was read. */
  READ,
  /** The table is not ours to read (EACCES/EPERM): another user's process, no root. */
  DENIED,
  /** The process exited while or before it was read (ENOENT/ESRCH). */
  VANISHED,
  /** Any other error; the shard records the reason. */
  FAILED
}
