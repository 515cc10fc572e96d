package io.sockwatch.snapshot;

import io.sockwatch.kernel.SourceUnavailableException;
import io.sockwatch.kernel.netns.NetnsExecutor;
import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.Unavailable;
import io.sockwatch.process.ProcessInfo;
import io.sockwatch.process.SocketOwners;
import io.sockwatch.process.netns.NetnsChoice;
import io.sockwatch.process.netns.NetnsInventory;
import io.sockwatch.process.netns.NetnsLinkText;
import io.sockwatch.process.netns.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the socket tables of the network namespaces {@code --netns} chooses and joins them into a
 * {@link NodeScan}. Each namespace other than the reader's own is entered on the executor's thread
 * (or read through {@code /proc/PID/net}), one after another; the processes are walked once for all
 * of them, since a socket's inode is unique on the node. A namespace that cannot be read (not
 * permitted, gone, too big for the heap left) is listed under unavailable with the reason, and the
 * others are still read.
 *
 * <p>The plain paths stay as cheap as before: {@code self}, and {@code host} when the reader runs
 * in the host's namespace (two readlinks tell), read the own namespace directly without taking an
 * inventory. Without privilege the host's link is unreadable; {@code host} then reads the own
 * namespace and says so. Not thread-safe: one command or one sampler owns it.
 */
public final class NodeScanner {

  /**
   * Namespaces read per scan. A node runs at most a few hundred pods (kubelet's default is 110);
   * beyond this the rest are counted as not read, so one scan stays bounded in time and memory.
   */
  public static final int MAX_NAMESPACES = 512;

  private final SnapshotReader own;
  private final Optional<NetnsChoice> choice;
  private final Path root;
  private final NetnsExecutor executor;
  private final long heapLimit;

  private NodeScanner(
      SnapshotReader own,
      Optional<NetnsChoice> choice,
      Path root,
      NetnsExecutor executor,
      long heapLimit) {
    this.own = own;
    this.choice = choice;
    this.root = root;
    this.executor = executor;
    this.heapLimit = heapLimit;
  }

  /** Reads only the reader's own namespace (or a recorded {@code --root}), as before namespaces. */
  public static NodeScanner own(SnapshotReader reader) {
    return new NodeScanner(reader, Optional.empty(), Path.of("/"), null, 0);
  }

  /**
   * Reads the namespaces {@code choice} names on the live node.
   *
   * @param own the reader of the caller's own namespace, which also attributes processes
   * @param executor the thread that enters other namespaces; the caller closes it
   */
  public static NodeScanner of(NetnsChoice choice, SnapshotReader own, NetnsExecutor executor) {
    return new NodeScanner(own, Optional.of(choice), Path.of("/"), executor, 0);
  }

  /**
   * This scanner refusing namespaces whose tables would overflow {@code heapBytes} in total; the
   * own reader should carry the same limit ({@link SnapshotReader#withHeapLimit}).
   */
  public NodeScanner withHeapLimit(long heapBytes) {
    return new NodeScanner(own, choice, root, executor, heapBytes);
  }

  /**
   * Reads every chosen namespace.
   *
   * @throws SourceUnavailableException when no chosen namespace could be read, or the choice names
   *     none
   */
  public NodeScan read(SocketFilter filter, SnapshotReader.Options options)
      throws SourceUnavailableException {
    if (choice.isEmpty() || choice.get().kind() == NetnsChoice.Kind.SELF) {
      return NodeScan.single(own.read(filter, options));
    }
    if (choice.get().kind() == NetnsChoice.Kind.HOST) {
      OptionalLong host = hostInode();
      if (host.isEmpty()) {
        // Without privilege these links are hidden: the own namespace is the best guess, said so.
        return NodeScan.single(
            own.read(filter, options)
                .withUnavailable(
                    new Unavailable(
                        "host network namespace",
                        "neither pid 1's nor kthreadd's namespace link is readable (not root?);"
                            + " read this process's own namespace instead")));
      }
      if (host.equals(inodeOf(root.resolve("proc/self/ns/net")))) {
        return NodeScan.single(own.read(filter, options));
      }
    }
    NetnsInventory inventory = NetnsInventory.read(root);
    List<NetworkNamespace> chosen = choice.get().select(inventory, root.resolve("proc"));
    if (chosen.isEmpty()) {
      throw new SourceUnavailableException(
          "no network namespace '"
              + choice.get().describe()
              + "' (found "
              + inventory.namespaces().size()
              + "; `lsns -t net` lists them)");
    }
    if (chosen.size() == 1 && chosen.getFirst().current()) {
      // A node with one namespace (or a choice of the own one): nothing to tell apart.
      return NodeScan.single(own.read(filter, options));
    }
    return readAll(inventory, chosen, filter, options);
  }

  /**
   * Node counters between scans, from the caller's own namespace: the host's when sockwatch runs
   * there, as a node agent does. Per-namespace counters come with each scan.
   */
  public NodeStats readNode() {
    return own.readNode();
  }

  /**
   * pid 1's namespace, or kthreadd's when a sandbox hides pid 1's link even from root (kernel
   * threads live in the initial namespace), as {@link NetnsInventory} decides.
   */
  private OptionalLong hostInode() {
    OptionalLong init = inodeOf(root.resolve("proc/1/ns/net"));
    if (init.isPresent()) {
      return init;
    }
    try {
      String comm = Files.readString(root.resolve("proc/2/comm")).strip();
      return comm.equals("kthreadd")
          ? inodeOf(root.resolve("proc/2/ns/net"))
          : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong inodeOf(Path link) {
    try {
      long inode = NetnsLinkText.inodeOf(Files.readSymbolicLink(link).toString());
      return inode > 0 ? OptionalLong.of(inode) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private NodeScan readAll(
      NetnsInventory inventory,
      List<NetworkNamespace> chosen,
      SocketFilter filter,
      SnapshotReader.Options options)
      throws SourceUnavailableException {
    List<Unavailable> unavailable = new ArrayList<>(inventory.unavailable());
    SnapshotReader.Options unattributed =
        new SnapshotReader.Options(options.source(), false, options.node(), options.details());
    SocketFilter socketsOnly = filter.withoutProcessCriteria();
    List<NamespaceSnapshot> read = new ArrayList<>();
    int failed = 0;
    long sockets = 0;
    String firstFailure = null;
    for (NetworkNamespace ns : chosen) {
      if (read.size() >= MAX_NAMESPACES) {
        failed++;
        continue;
      }
      SnapshotReader reader = readerOf(ns, sockets);
      try {
        Snapshot s = reader.read(socketsOnly, unattributed);
        sockets += s.sockets().size();
        read.add(new NamespaceSnapshot(ns, s));
      } catch (SourceUnavailableException e) {
        failed++;
        firstFailure = firstFailure == null ? e.getMessage() : firstFailure;
        unavailable.add(
            new Unavailable("network namespace " + ns.label(), withoutName(e.getMessage())));
      }
    }
    if (read.size() >= MAX_NAMESPACES && chosen.size() > MAX_NAMESPACES) {
      unavailable.add(
          new Unavailable(
              (chosen.size() - MAX_NAMESPACES) + " network namespaces",
              "not read: at most " + MAX_NAMESPACES + " are read per scan"));
    }
    if (read.isEmpty()) {
      throw new SourceUnavailableException(
          "no network namespace could be read (" + chosen.size() + " chosen): " + firstFailure);
    }
    return join(read, filter, options, unavailable, failed);
  }

  /** The reason alone: the namespace sources start their messages with the namespace's name. */
  private static String withoutName(String message) {
    int end = message.indexOf("): ");
    return message.startsWith("network namespace ") && end > 0
        ? message.substring(end + 3)
        : message;
  }

  /** The own namespace is read without entering; others through the executor. */
  private SnapshotReader readerOf(NetworkNamespace ns, long socketsSoFar) {
    if (ns.current()) {
      return own;
    }
    SnapshotReader r = SnapshotReader.forNamespace(ns, executor);
    if (heapLimit > 0) {
      long left = heapLimit - socketsSoFar * SnapshotReader.BYTES_PER_SOCKET * 5 / 2;
      r = r.withHeapLimit(Math.max(1, left));
    }
    return r;
  }

  private NodeScan join(
      List<NamespaceSnapshot> read,
      SocketFilter filter,
      SnapshotReader.Options options,
      List<Unavailable> unavailable,
      int failed) {
    int total = read.stream().mapToInt(n -> n.snapshot().sockets().size()).sum();
    List<SocketRecord> all = new ArrayList<>(total);
    for (NamespaceSnapshot n : read) {
      all.addAll(n.snapshot().sockets());
    }
    boolean attribute = options.processes() || filter.needsProcesses();
    SocketOwners owners = attribute ? own.attribute(all) : SocketOwners.EMPTY;
    unavailable.addAll(owners.unavailable());

    boolean hostRead =
        read.stream().anyMatch(n -> n.namespace().host() && n.snapshot().node().isPresent());
    List<NamespaceSnapshot> placed = new ArrayList<>(read.size());
    List<SocketRecord> kept = filter.needsProcesses() ? new ArrayList<>() : all;
    String source = read.getFirst().snapshot().source();
    for (NamespaceSnapshot n : read) {
      Snapshot s = n.snapshot();
      List<SocketRecord> mine = s.sockets();
      if (filter.needsProcesses()) {
        mine = new ArrayList<>();
        for (SocketRecord r : s.sockets()) {
          List<ProcessInfo> who = r.inode() == 0 ? List.of() : owners.ownersOf(r.inode());
          if (filter.matchesOwners(who)) {
            mine.add(r);
          }
        }
        kept.addAll(mine);
      }
      List<Unavailable> missed = labelled(n.namespace(), s.unavailable(), hostRead);
      unavailable.addAll(missed);
      placed.add(
          new NamespaceSnapshot(
              n.namespace(),
              new Snapshot(s.takenAt(), s.source(), mine, owners, attribute, s.node(), missed)));
      if (!s.source().equals(source)) {
        source = "mixed";
      }
    }
    Optional<NodeStats> node = nodeWide(placed);
    Instant takenAt = read.getFirst().snapshot().takenAt();
    Snapshot merged = new Snapshot(takenAt, source, kept, owners, attribute, node, unavailable);
    return new NodeScan(placed, merged, true, failed);
  }

  /**
   * What could not be read inside a namespace, said with the namespace's name. The node-wide
   * sysctls every container's namespace hides are left out when the host's were read: the checks
   * that need them use the host's.
   */
  private static List<Unavailable> labelled(
      NetworkNamespace ns, List<Unavailable> list, boolean hostRead) {
    if (ns.current()) {
      return list;
    }
    return list.stream()
        .filter(u -> !(hostRead && u.reason().equals(NodeStatsSource.NODE_WIDE_ABSENT)))
        .map(u -> new Unavailable("network namespace " + ns.label() + ": " + u.item(), u.reason()))
        .toList();
  }

  /**
   * Node-wide counters (TCP memory, orphans, conntrack) are the same seen from any namespace, but
   * the limits that go with them ({@code tcp_mem}, {@code tcp_max_orphans}) are only shown in the
   * host's: its counters win, then the reader's own namespace's.
   */
  private static Optional<NodeStats> nodeWide(List<NamespaceSnapshot> read) {
    for (NamespaceSnapshot n : read) {
      if (n.namespace().host() && n.snapshot().node().isPresent()) {
        return n.snapshot().node();
      }
    }
    for (NamespaceSnapshot n : read) {
      if (n.namespace().current() && n.snapshot().node().isPresent()) {
        return n.snapshot().node();
      }
    }
    return read.getFirst().snapshot().node();
  }
}
