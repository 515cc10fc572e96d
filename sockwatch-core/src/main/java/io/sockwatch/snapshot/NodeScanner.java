package io.sockwatch.snapshot;

import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.netns.ChosenNamespaces;
import io.sockwatch.netns.NamespaceChooser;
import io.sockwatch.netns.NetnsExecutor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the socket tables of the network namespaces {@code --netns} chooses and joins them into a
 * {@link NodeScan}. Each namespace other than the reader's own is entered on the executor's thread
 * (or read through {@code /proc/PID/net}), one after another; the processes are walked once for all
 * of them, since a socket's inode is unique on the node. A namespace that cannot be read (not
 * permitted, gone, too big for the heap left) is listed under unavailable with the reason, and the
 * others are still read.
 *
 * <p>Which namespaces a choice names is {@link NamespaceChooser}'s to say, once per scan. Not
 * thread-safe: one command or one sampler owns it.
 */
public final class NodeScanner {

  /**
   * Namespaces read per scan. A node runs at most a few hundred pods (kubelet's default is 110);
   * beyond this the rest are counted as not read, so one scan stays bounded in time and memory.
   */
  public static final int MAX_NAMESPACES = 512;

  private final SnapshotReader own;
  private final Optional<NetnsChoice> choice;
  private final NamespaceChooser chooser;
  private final NetnsExecutor executor;
  private final long heapLimit;
  private ChosenNamespaces checked;

  private NodeScanner(
      SnapshotReader own,
      Optional<NetnsChoice> choice,
      NamespaceChooser chooser,
      NetnsExecutor executor,
      long heapLimit) {
    this.own = own;
    this.choice = choice;
    this.chooser = chooser;
    this.executor = executor;
    this.heapLimit = heapLimit;
  }

  /** Reads only the reader's own namespace (or a recorded {@code --root}), as before namespaces. */
  public static NodeScanner own(SnapshotReader reader) {
    return new NodeScanner(reader, Optional.empty(), null, null, 0);
  }

  /**
   * Reads the namespaces {@code choice} names on the live node.
   *
   * @param own the reader of the caller's own namespace, which also attributes processes
   * @param executor the thread that enters other namespaces; the caller closes it
   */
  public static NodeScanner of(NetnsChoice choice, SnapshotReader own, NetnsExecutor executor) {
    return new NodeScanner(
        own, Optional.of(choice), new NamespaceChooser(Path.of("/")), executor, 0);
  }

  /**
   * This scanner refusing namespaces whose tables would overflow {@code heapBytes} in total; the
   * own reader should carry the same limit ({@link SnapshotReader#withHeapLimit}).
   */
  public NodeScanner withHeapLimit(long heapBytes) {
    return new NodeScanner(own, choice, chooser, executor, heapBytes);
  }

  /**
   * Reads every chosen namespace.
   *
   * @throws SourceUnavailableException when no chosen namespace could be read, or the choice names
   *     none
   */
  public NodeScan read(SocketFilter filter, SnapshotReader.Options options)
      throws SourceUnavailableException {
    if (choice.isEmpty()) {
      return NodeScan.single(own.read(filter, options));
    }
    ChosenNamespaces chosen = checked != null ? checked : chooser.choose(choice.get());
    checked = null;
    if (chosen.ownOnly()) {
      Snapshot s = own.read(filter, options);
      for (Unavailable note : chosen.notes()) {
        s = s.withUnavailable(note);
      }
      return NodeScan.single(s);
    }
    return readAll(chosen, filter, options);
  }

  /**
   * Checks now that the choice names a namespace on the node, so that a command can refuse a wrong
   * name before it starts; the next {@link #read} uses this very choice rather than taking the
   * inventory again.
   *
   * @throws SourceUnavailableException when the choice names no namespace
   */
  public void check() throws SourceUnavailableException {
    if (choice.isPresent()) {
      checked = chooser.choose(choice.get());
    }
  }

  /**
   * Counters and sysctls of the one namespace the choice names: the reader's own for {@code self}
   * (and for {@code host} when it is the own), else the chosen one, entered on the executor.
   *
   * @throws SourceUnavailableException when the choice names no namespace, or it cannot be read
   * @throws IllegalArgumentException when the choice names several
   */
  public NodeStats readChosenNode() throws SourceUnavailableException {
    if (choice.isEmpty()) {
      return own.readNode();
    }
    ChosenNamespaces chosen = checked != null ? checked : chooser.choose(choice.get());
    checked = null;
    if (chosen.ownOnly()) {
      return own.readNode();
    }
    if (chosen.namespaces().size() != 1) {
      throw new IllegalArgumentException("this command models one namespace; name one");
    }
    return readerOf(chosen.namespaces().getFirst(), 0).readNode();
  }

  /**
   * Node counters between scans, from the caller's own namespace: the host's when sockwatch runs
   * there, as a node agent does. Per-namespace counters come with each scan.
   */
  public NodeStats readNode() {
    return own.readNode();
  }

  private NodeScan readAll(
      ChosenNamespaces choice, SocketFilter filter, SnapshotReader.Options options)
      throws SourceUnavailableException {
    List<NetworkNamespace> chosen = choice.namespaces();
    List<Unavailable> unavailable = new ArrayList<>(choice.notes());
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
