package io.sockwatch;

import io.sockwatch.kernel.bpf.ConnectionEvents;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.netns.NetnsExecutor;
import io.sockwatch.snapshot.NodeScanner;
import io.sockwatch.snapshot.SnapshotReader;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * Reads the node: the socket tables, owning processes, counters and sysctls of the network
 * namespaces {@link ReadSettings#netns()} names, as one {@link NodeScan}. The one door through
 * which {@code snapshot}, {@code doctor}, {@code serve} and {@code plan} read the kernel.
 *
 * <p>Everything that could not be read (a namespace not permitted, a table too big for the heap, a
 * missing /proc file) is listed in the scan's unavailable items with the reason; only a read that
 * yields no socket table at all throws. Not thread-safe: one command or one agent owns a reader.
 * Close it to end the thread that enters other namespaces.
 */
public final class NodeReader implements AutoCloseable {

  /**
   * The parts of a read beyond the socket table.
   *
   * @param processes attribute sockets to processes (a walk of every process's descriptors)
   * @param node read node counters and sysctls
   * @param details fetch tcp_info, socket memory and congestion (netlink only)
   */
  public record Parts(boolean processes, boolean node, boolean details) {
    /** Everything: what doctor and the agent judge. */
    public static final Parts ALL = new Parts(true, true, true);
  }

  private final ReadSettings settings;
  private final NodeScanner scanner;
  private final NetnsExecutor executor;
  private final ConnectionEvents events;
  private Optional<NodeStats> lastNode = Optional.empty();

  private NodeReader(ReadSettings settings, NodeScanner scanner, NetnsExecutor executor) {
    this.settings = settings;
    this.scanner = scanner;
    this.executor = executor;
    // Asked-for events only: a command that did not ask says nothing about them.
    this.events =
        settings.liveRoot() && settings.connectionEvents() ? ConnectionEvents.open() : null;
  }

  /**
   * A reader for {@code settings}. A choice of one namespace by inode, name or pid is checked now,
   * so that a wrong name is refused before any work (the first scan uses this very check).
   *
   * @throws IllegalArgumentException when the settings cannot be read as asked: a named namespace
   *     that does not exist, or one named beside a recorded tree
   */
  public static NodeReader open(ReadSettings settings) {
    SnapshotReader own = SnapshotReader.forRoot(settings.root());
    if (settings.attributionCpuShare() > 0) {
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      own = own.withIncrementalAttribution(settings.attributionCpuShare(), os::getProcessCpuTime);
    }
    if (settings.heapLimitBytes() > 0) {
      own = own.withHeapLimit(settings.heapLimitBytes());
    }
    if (!settings.liveRoot()) {
      if (namesOne(settings.netns())) {
        throw new IllegalArgumentException(
            "--netns reads live namespaces; it cannot be combined with --root");
      }
      return new NodeReader(settings, NodeScanner.own(own), null);
    }
    // The executor's thread lives as long as the reader (for serve, the process).
    NetnsExecutor executor = new NetnsExecutor();
    NodeScanner scanner = NodeScanner.of(settings.netns(), own, executor);
    if (settings.heapLimitBytes() > 0) {
      scanner = scanner.withHeapLimit(settings.heapLimitBytes());
    }
    if (namesOne(settings.netns())) {
      try {
        scanner.check();
      } catch (SourceUnavailableException e) {
        executor.close();
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return new NodeReader(settings, scanner, executor);
  }

  private static boolean namesOne(NetnsChoice choice) {
    return switch (choice.kind()) {
      case INODE, NAME, PID -> true;
      case ALL, HOST, SELF -> false;
    };
  }

  /**
   * Reads every chosen namespace.
   *
   * @throws SourceUnavailableException when no socket table could be read at all
   */
  public NodeScan scan(SocketFilter filter, Parts parts) throws SourceUnavailableException {
    NodeScan scan =
        scanner.read(
            filter,
            new SnapshotReader.Options(
                settings.source(), parts.processes(), parts.node(), parts.details()));
    if (events == null) {
      return scan;
    }
    Optional<NodeStats> node = scan.merged().node();
    Optional<NodeScan> traced =
        events
            .drain()
            .map(a -> scan.withActivity(Optional.of(a.withKernelOpensBetween(lastNode, node))));
    lastNode = node;
    return traced.orElseGet(() -> withUnavailable(scan, events));
  }

  private static NodeScan withUnavailable(NodeScan scan, ConnectionEvents events) {
    Snapshot merged =
        events.unavailable().map(scan.merged()::withUnavailable).orElse(scan.merged());
    return new NodeScan(
        scan.namespaces(), merged, scan.perNamespace(), scan.namespacesFailed(), scan.activity());
  }

  /** The connection events this reader traces (serve's agent drains them every tick). */
  ConnectionEvents events() {
    return events;
  }

  /**
   * Node counters and sysctls of the one namespace the settings name, for commands that model a
   * single namespace ({@code plan}: its port range). The caller's own namespace for {@code self}
   * and for a recorded tree.
   *
   * @throws IllegalArgumentException when the settings name every namespace
   * @throws SourceUnavailableException when the namespace cannot be read
   */
  public NodeStats namespaceStats() throws SourceUnavailableException {
    if (settings.netns().isAll()) {
      throw new IllegalArgumentException(
          "--netns all: this command models one namespace; name one");
    }
    return scanner.readChosenNode();
  }

  public ReadSettings settings() {
    return settings;
  }

  /** The scanner the agent's engine reads through. */
  NodeScanner scanner() {
    return scanner;
  }

  @Override
  public void close() {
    if (events != null) {
      events.close();
    }
    if (executor != null) {
      executor.close();
    }
  }
}
