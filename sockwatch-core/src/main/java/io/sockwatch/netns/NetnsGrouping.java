package io.sockwatch.netns;

import io.sockwatch.model.NetworkNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Groups what an inventory walk saw (a process in namespace N, a name bound to namespace N) into
 * one {@link NetworkNamespace} per inode. Pure data work: the walk hands in paths, this never
 * touches them. Feed processes in ascending pid order so that the pids kept, and the way in chosen,
 * are the oldest processes' (the likeliest to still be there when the namespace is read).
 */
final class NetnsGrouping {

  private final int maxPids;
  private final Map<Long, Group> groups = new HashMap<>();

  NetnsGrouping(int maxPids) {
    this.maxPids = maxPids;
  }

  /** Records process {@code pid} in namespace {@code inode}. */
  void addProcess(long inode, int pid, Path netLink, Path procNet) {
    Group g = groups.computeIfAbsent(inode, i -> new Group(maxPids));
    if (g.count < maxPids) {
      g.pids[g.count] = pid;
    }
    if (g.count == 0) {
      g.firstNetLink = netLink;
      g.firstProcNet = procNet;
    }
    g.count++;
  }

  /** Records that {@code path} (under /run/netns) names namespace {@code inode}. */
  void addName(long inode, String name, Path path) {
    groups.computeIfAbsent(inode, i -> new Group(maxPids)).names.put(name, path);
  }

  /**
   * One namespace per inode: the host's first, then by inode (roughly creation order).
   *
   * @param hostInode the namespace of pid 1, or {@link NetnsLinkText#NOT_NETNS} if unknown
   * @param currentInode the reader's own namespace, or {@link NetnsLinkText#NOT_NETNS}
   */
  List<NetworkNamespace> build(long hostInode, long currentInode) {
    List<NetworkNamespace> out = new ArrayList<>(groups.size());
    groups.forEach(
        (inode, g) -> {
          Path wayIn = g.names.isEmpty() ? g.firstNetLink : g.names.firstEntry().getValue();
          List<Integer> pids =
              Arrays.stream(g.pids, 0, Math.min(g.count, maxPids)).boxed().toList();
          out.add(
              new NetworkNamespace(
                  inode,
                  inode == hostInode,
                  inode == currentInode,
                  List.copyOf(g.names.keySet()),
                  pids,
                  g.count,
                  wayIn,
                  Optional.ofNullable(g.firstProcNet)));
        });
    out.sort(
        Comparator.comparing((NetworkNamespace n) -> !n.host())
            .thenComparingLong(NetworkNamespace::inode));
    return out;
  }

  private static final class Group {
    final int[] pids;
    final TreeMap<String, Path> names = new TreeMap<>();
    int count;
    Path firstNetLink;
    Path firstProcNet;

    Group(int maxPids) {
      pids = new int[maxPids];
    }
  }
}
