package io.sockwatch.process;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ScanCounts;
import io.sockwatch.model.SocketOwners;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link SocketOwners} for constructed snapshots in tests of other packages. */
public final class SocketOwnersFixture {
  private SocketOwnersFixture() {}

  /** Owners from socket inode to the processes holding it. */
  public static SocketOwners of(Map<Long, List<ProcessInfo>> owners) {
    Map<Integer, ProcessInfo> processes = new LinkedHashMap<>();
    int pairs = 0;
    for (List<ProcessInfo> list : owners.values()) {
      for (ProcessInfo p : list) {
        processes.putIfAbsent(p.pid(), p);
        pairs++;
      }
    }
    SocketOwners.Builder b =
        new SocketOwners.Builder(
            new ArrayList<>(processes.values()), pairs, SocketOwners.MAX_DESCRIPTORS);
    owners.forEach((inode, list) -> list.forEach(p -> b.add(inode, p.pid())));
    return b.build(ScanCounts.NONE, List.of());
  }

  /** Owners from socket inode to the one process holding it. */
  public static SocketOwners single(Map<Long, ProcessInfo> owner) {
    Map<Long, List<ProcessInfo>> owners = new LinkedHashMap<>();
    owner.forEach((inode, p) -> owners.put(inode, List.of(p)));
    return of(owners);
  }
}
