package io.sockwatch.process;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Builds {@link SocketOwners} for tests in other packages (the builder is package-private). */
public final class OwnersFixture {
  private OwnersFixture() {}

  /** Owners from socket inode to the one process holding it. */
  public static SocketOwners of(Map<Long, ProcessInfo> byInode) {
    Set<ProcessInfo> processes = new LinkedHashSet<>(byInode.values());
    var b = new SocketOwners.Builder(processes, byInode.size(), SocketOwners.MAX_DESCRIPTORS);
    byInode.forEach((inode, p) -> b.add(inode, p.pid()));
    return b.build(ScanCounts.NONE, java.util.List.of());
  }
}
