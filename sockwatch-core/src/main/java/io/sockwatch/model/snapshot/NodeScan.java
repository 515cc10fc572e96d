package io.sockwatch.model.snapshot;

import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import java.util.List;
import java.util.Optional;

/**
 * The socket tables of every network namespace read at one moment. {@link #merged()} is the node's
 * view: every namespace's sockets together (socket inodes and cookies are unique across namespaces,
 * so attribution and first-seen tracking need no namespace), with the node-wide counters; {@link
 * #namespaces()} keeps each namespace's table and counters apart for the checks that are per
 * namespace.
 *
 * @param namespaces the namespaces read, the host's first; a single-namespace read has one
 * @param merged all sockets, the node-wide counters and everything that could not be read
 * @param perNamespace whether namespaces were enumerated ({@code --netns all} or one chosen), as
 *     opposed to a plain read of the reader's own namespace
 * @param namespacesFailed namespaces found but not read (not permitted, vanished, over the cap)
 * @param activity the kernel's connection events since the reader's previous scan, when the reader
 *     traces them; empty when it does not or cannot (the reason is then among the unavailable)
 */
public record NodeScan(
    List<NamespaceSnapshot> namespaces,
    Snapshot merged,
    boolean perNamespace,
    int namespacesFailed,
    Optional<ConnectionActivity> activity) {

  public NodeScan {
    namespaces = List.copyOf(namespaces);
  }

  /** A scan without connection events. */
  public NodeScan(
      List<NamespaceSnapshot> namespaces,
      Snapshot merged,
      boolean perNamespace,
      int namespacesFailed) {
    this(namespaces, merged, perNamespace, namespacesFailed, Optional.empty());
  }

  /** This scan with the connection events of its window. */
  public NodeScan withActivity(Optional<ConnectionActivity> events) {
    return new NodeScan(namespaces, merged, perNamespace, namespacesFailed, events);
  }

  /** A read of one namespace without enumeration: the snapshot is the whole view. */
  public static NodeScan single(Snapshot snapshot) {
    return new NodeScan(List.of(), snapshot, false, 0);
  }

  /** The namespace with this inode in this scan, if read. */
  public Optional<NamespaceSnapshot> namespace(long inode) {
    return namespaces.stream().filter(n -> n.namespace().inode() == inode).findFirst();
  }

  public List<Unavailable> unavailable() {
    return merged.unavailable();
  }
}
