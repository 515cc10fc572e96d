package io.sockwatch.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One network namespace found on the node: every container, pod sandbox and {@code ip netns} has
 * one, each with its own socket table, counters and TCP sysctls.
 *
 * @param inode its nsfs inode, as {@code lsns -t net} and {@code stat -L /run/netns/NAME} show
 * @param host whether it is the host's own namespace (pid 1's, or kthreadd's when pid 1's is
 *     hidden)
 * @param current whether it is the namespace of the process that took the inventory (which reads it
 *     without entering it)
 * @param names its names under {@code /run/netns}, sorted (empty for most containers)
 * @param pids some of its processes, lowest first, at most the inventory's cap (16)
 * @param processCount how many processes were found in it (a named namespace may have none)
 * @param wayIn the file to open and {@code setns} into: {@code /run/netns/NAME} when named (it
 *     outlives any process), else {@code /proc/PID/ns/net} of its lowest pid
 * @param procNetDirectory {@code /proc/PID/net} of its lowest pid, which shows its counters and
 *     socket files without entering it; empty when no process in it is known
 */
public record NetworkNamespace(
    long inode,
    boolean host,
    boolean current,
    List<String> names,
    List<Integer> pids,
    int processCount,
    Path wayIn,
    Optional<Path> procNetDirectory) {

  public NetworkNamespace {
    names = List.copyOf(names);
    pids = List.copyOf(pids);
  }

  /** {@code host}, else its first name, else {@code net:[INODE]}: what users see it called. */
  public String label() {
    if (host) {
      return "host";
    }
    return names.isEmpty() ? "net:[" + inode + "]" : names.getFirst();
  }
}
