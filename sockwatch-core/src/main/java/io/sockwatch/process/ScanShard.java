package io.sockwatch.process;

import io.sockwatch.model.ProcessInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one worker thread found: (inode, pid) pairs in two growing primitive arrays (12 bytes per
 * socket descriptor, no boxing), the socket-holding processes, and its counts. Workers never share
 * a shard, so nothing here is synchronized; the scanner merges shards after the workers finish.
 */
final class ScanShard {
  private long[] inodes = new long[1024];
  private int[] pids = new int[1024];
  private int size;

  final List<ProcessInfo> processes = new ArrayList<>();
  int processesSeen;
  int processesDenied;
  int processesVanished;
  int processesFailed;
  long descriptors;
  long descriptorsVanished;
  String firstFailure;

  /** Records that {@code pid} holds socket {@code inode}. */
  void add(long inode, int pid) {
    if (size == inodes.length) {
      int grown = size + (size >> 1);
      inodes = Arrays.copyOf(inodes, grown);
      pids = Arrays.copyOf(pids, grown);
    }
    inodes[size] = inode;
    pids[size] = pid;
    size++;
  }

  /** Number of pairs recorded so far. */
  int size() {
    return size;
  }

  /**
   * Drops the pairs recorded after the first {@code newSize}: a process that was not fully read.
   */
  void truncate(int newSize) {
    size = newSize;
  }

  long inode(int i) {
    return inodes[i];
  }

  int pid(int i) {
    return pids[i];
  }

  /** Keeps the first failure text so the report can say what went wrong. */
  void noteFailure(String reason) {
    if (firstFailure == null) {
      firstFailure = reason;
    }
  }
}
