package io.sockwatch.model.snapshot;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One network namespace's part of a {@link NodeScan}: its own socket table and counters (ports,
 * TIME_WAIT limits and most counters are per namespace), with the node's one attribution.
 *
 * @param namespace which namespace
 * @param snapshot its sockets, counters and what could not be read in it
 */
public record NamespaceSnapshot(NetworkNamespace namespace, Snapshot snapshot) {

  /**
   * Sockets looked at to name the containers: enough to meet every container of a pod, bounded for
   * namespaces of 100k sockets.
   */
  private static final int CONTAINER_SAMPLE = 4096;

  /**
   * Labels of the containers or pods whose processes hold sockets here, sorted, at most {@code
   * max}: what a pod's namespace is called when no process is named.
   */
  public List<String> containers(int max) {
    Set<String> out = new TreeSet<>();
    int looked = 0;
    for (SocketRecord s : snapshot.sockets()) {
      if (looked++ >= CONTAINER_SAMPLE || out.size() >= max) {
        break;
      }
      for (ProcessInfo p : snapshot.ownersOf(s)) {
        p.containerLabel().ifPresent(out::add);
      }
    }
    return out.stream().limit(max).toList();
  }
}
