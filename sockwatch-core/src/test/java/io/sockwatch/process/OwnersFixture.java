package io.sockwatch.process;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Builds {@link SocketOwners} for tests outside this package (detector tests on made-up input). */
public final class OwnersFixture {
  private OwnersFixture() {}

  /** Owners from socket inode to the one process holding it. */
  public static SocketOwners of(Map<Long, ProcessInfo> inodeToOwner) {
    Set<ProcessInfo> processes = new LinkedHashSet<>(inodeToOwner.values());
    var b = new SocketOwners.Builder(processes, inodeToOwner.size(), SocketOwners.MAX_DESCRIPTORS);
    inodeToOwner.forEach((inode, p) -> b.add(inode, p.pid()));
    return b.build(ScanCounts.NONE, java.util.List.of());
  }
}
