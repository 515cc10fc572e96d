package io.sockwatch.snapshot;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.kernel.procfs.ProcNetTcpSource;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.netns.NetnsExecutor;
import io.sockwatch.netns.NetnsSources;
import io.sockwatch.netns.NetnsTarget;
import io.sockwatch.process.IncrementalOwnerScanner;
import io.sockwatch.process.SocketOwnerScanner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Assembles a {@link Snapshot}: picks the socket-table source (falling back from netlink to /proc
 * with the reason recorded), applies the filter, attributes sockets to processes and reads node
 * counters. It owns no I/O itself; every read goes through the sources it is given.
 */
public final class SnapshotReader {

  /**
   * What to read.
   *
   * @param source which socket-table reader
   * @param processes whether to attribute sockets to processes
   * @param node whether to read node counters and sysctls
   * @param details whether to fetch tcp_info, skmem and congestion (netlink only)
   */
  public record Options(SourceChoice source, boolean processes, boolean node, boolean details) {}

  private final Path root;
  private final SocketTableSource netlink;
  private final SocketTableSource proc;
  private final Function<List<SocketRecord>, SocketOwners> ownerScan;
  private final Supplier<NodeStats> nodeRead;
  private final boolean liveKernel;
  private final Clock clock;
  private final long heapLimit;

  /**
   * Heap a read holds per socket of the table with tcp_info: record, tcp_info copy (280 bytes on
   * 6.18) and addresses, about 490 bytes measured with a class histogram, rounded up.
   */
  static final long BYTES_PER_SOCKET = 512;

  SnapshotReader(
      Path root,
      SocketTableSource netlink,
      SocketTableSource proc,
      Function<List<SocketRecord>, SocketOwners> ownerScan,
      Supplier<NodeStats> nodeRead,
      boolean liveKernel,
      Clock clock,
      long heapLimit) {
    this.heapLimit = heapLimit;
    this.root = root;
    this.netlink = netlink;
    this.proc = proc;
    this.ownerScan = ownerScan;
    this.nodeRead = nodeRead;
    this.liveKernel = liveKernel;
    this.clock = clock;
  }

  /**
   * A reader of the kernel the calling thread sees, with /proc under {@code root}. When {@code
   * root} is not {@code /} (a recorded tree), netlink cannot describe it, so {@code auto} uses the
   * /proc source.
   */
  public static SnapshotReader forRoot(Path root) {
    Path r = root.toAbsolutePath().normalize();
    return new SnapshotReader(
        r,
        new NetlinkSockDiagSource(),
        ProcNetTcpSource.ofRoot(r),
        table -> new SocketOwnerScanner(r).scan(),
        () -> new NodeStatsSource(r).read(),
        r.equals(Path.of("/")),
        Clock.systemUTC(),
        0);
  }

  /**
   * A reader of another network namespace (a container's, an {@code ip netns} one), entered on
   * {@code executor}'s thread for netlink and for counters and sysctls; the /proc fallback reads
   * {@code /proc/PID/net} of a process in it. Failures to enter (namespace gone, not permitted)
   * come out as {@link SourceUnavailableException} naming the namespace, or for node counters as
   * {@link Unavailable} entries. Attribution walks the whole host's /proc, since socket inodes are
   * unique across namespaces. The reader's own namespace gets {@link #forRoot} with {@code /}:
   * nothing to enter, the host path unchanged.
   */
  public static SnapshotReader forNamespace(NetworkNamespace namespace, NetnsExecutor executor) {
    Path root = Path.of("/");
    if (namespace.current()) {
      return forRoot(root);
    }
    NetnsSources sources =
        new NetnsSources(
            executor,
            new NetnsTarget(
                namespace.label(),
                namespace.inode(),
                namespace.wayIn(),
                namespace.procNetDirectory()));
    return new SnapshotReader(
        root,
        sources.netlink(),
        sources.proc(),
        table -> new SocketOwnerScanner(root).scan(),
        sources::readNode,
        true,
        Clock.systemUTC(),
        0);
  }

  /**
   * This reader with attribution that remembers processes from one read to the next ({@link
   * IncrementalOwnerScanner}), for the agent, which reads the same host every few seconds: a
   * process is read again only when its descriptor count changed, and a full walk of every process
   * uses at most {@code fullWalkShare} of one core on average. Not thread-safe: one sampler owns
   * it.
   *
   * @param cpuNanos CPU time of the whole process, to measure what a full walk costs
   */
  public SnapshotReader withIncrementalAttribution(double fullWalkShare, LongSupplier cpuNanos) {
    IncrementalOwnerScanner owners = new IncrementalOwnerScanner(root, fullWalkShare, cpuNanos);
    return new SnapshotReader(
        root, netlink, proc, owners::ownersFor, nodeRead, liveKernel, clock, heapLimit);
  }

  /**
   * This reader refusing, with the reason, to read a socket table that would not fit in {@code
   * heapBytes}: the agent keeps the last table while it reads the next, so a table needs room
   * twice, plus parse buffers. Without this bound a JVM whose heap is too small for the host's
   * table (a 256 MiB agent on a host of 1M sockets) does nothing but collect garbage; with it, it
   * goes on with node counters and says what to change. The size comes from {@code
   * /proc/net/sockstat} (TCP in use plus TIME_WAIT), read just before.
   */
  public SnapshotReader withHeapLimit(long heapBytes) {
    return new SnapshotReader(
        root, netlink, proc, ownerScan, nodeRead, liveKernel, clock, heapBytes);
  }

  /**
   * Fails when the table the kernel reports would not fit twice in the heap limit; else returns the
   * node counters it read, which the snapshot then uses rather than read them twice.
   */
  private NodeStats checkFits() throws SourceUnavailableException {
    NodeStats node = nodeRead.get();
    long sockets =
        node.sockstat("TCP", "inuse").orElse(0)
            + node.sockstat("TCP", "tw").orElse(0)
            + node.sockstat("TCP6", "inuse").orElse(0);
    long need = sockets * BYTES_PER_SOCKET * 5 / 2;
    if (need > heapLimit) {
      long advice = Math.max(256, ((need * 3 / 2) >> 20) / 256 * 256 + 256);
      throw new SourceUnavailableException(
          String.format(
              Locale.ROOT,
              "socket table not read: its %,d sockets need about %d MiB of heap (the last"
                  + " table and this one) and the limit is %d MiB; node counters go on. Give the"
                  + " agent more heap (SOCKWATCH_SERVE_HEAP=%dm for ./sockwatch, or -Xmx).",
              sockets,
              need >> 20,
              heapLimit >> 20,
              advice));
    }
    return node;
  }

  /**
   * Reads a snapshot.
   *
   * @throws SourceUnavailableException when the explicitly chosen source cannot work, or when
   *     neither source can
   */
  public Snapshot read(SocketFilter filter, Options options) throws SourceUnavailableException {
    NodeStats checked = heapLimit > 0 ? checkFits() : null;
    List<Unavailable> unavailable = new ArrayList<>();
    var request = new ScanRequest(filter.statesToRead(), options.details());
    java.time.Instant takenAt = clock.instant();
    SocketTable table =
        switch (options.source()) {
          case NETLINK -> netlink.read(request);
          case PROC -> proc.read(request);
          case AUTO -> readAuto(request, unavailable);
        };
    unavailable.addAll(table.unavailable());

    boolean attribute = options.processes() || filter.needsProcesses();
    SocketOwners owners = SocketOwners.EMPTY;
    if (attribute) {
      owners = ownerScan.apply(table.sockets());
      unavailable.addAll(owners.unavailable());
    }
    List<SocketRecord> kept = new ArrayList<>(table.sockets().size());
    for (SocketRecord s : table.sockets()) {
      if (!filter.matchesSocket(s)) {
        continue;
      }
      if (filter.needsProcesses()) {
        List<ProcessInfo> who = s.inode() == 0 ? List.of() : owners.ownersOf(s.inode());
        if (!filter.matchesOwners(who)) {
          continue;
        }
      }
      kept.add(s);
    }
    Optional<NodeStats> node = Optional.empty();
    if (options.node()) {
      NodeStats stats = checked != null ? checked : nodeRead.get();
      unavailable.addAll(stats.unavailable());
      node = Optional.of(stats);
    }
    return new Snapshot(takenAt, table.source(), kept, owners, attribute, node, unavailable);
  }

  /**
   * Attributes {@code sockets} to processes with this reader's walker. The walk covers every
   * process the reader's /proc shows, whatever its namespace, so one walk serves the sockets of
   * every namespace (see {@link NodeScanner}).
   */
  public SocketOwners attribute(List<SocketRecord> sockets) {
    return ownerScan.apply(sockets);
  }

  /** Node counters and sysctls alone: cheap enough for every tick of the agent. */
  public NodeStats readNode() {
    return nodeRead.get();
  }

  private SocketTable readAuto(
      io.sockwatch.kernel.ScanRequest request, List<Unavailable> unavailable)
      throws SourceUnavailableException {
    if (!liveKernel) {
      unavailable.add(
          new Unavailable(
              "netlink sock_diag",
              "not used with a --root other than /; read /proc/net/tcp under the root"));
      return proc.read(request);
    }
    try {
      return netlink.read(request);
    } catch (SourceUnavailableException e) {
      unavailable.add(
          new Unavailable("netlink sock_diag", e.getMessage() + "; fell back to /proc/net/tcp"));
      return proc.read(request);
    }
  }
}
