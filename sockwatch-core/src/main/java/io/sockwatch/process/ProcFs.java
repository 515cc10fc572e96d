package io.sockwatch.process;

import java.io.IOException;

/** One scan's view of a proc directory: lists pids and hands out per-thread descriptor readers. */
interface ProcFs extends AutoCloseable {
  /** The numeric entries of the proc directory, i.e. the process ids, in directory order. */
  int[] pids() throws IOException;

  /** A reader for the calling worker thread. */
  FdTableReader newReader();

  /** Releases the proc directory handle and any native memory. */
  @Override
  void close();
}
