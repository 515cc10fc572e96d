package io.sockwatch.process;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ScanCounts;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds which processes hold which sockets by walking {@code <root>/proc/<pid>/fd}: every
 * descriptor link of the form {@code socket:[INODE]} attributes that inode to the pid, the same way
 * {@code ss -p} does. Pids are those of the pid namespace that mounted {@code <root>/proc} (the
 * host's, for sockwatch run on the host). Only {@code /proc/<pid>} is walked, never {@code
 * task/<tid>}: threads of a process share one descriptor table.
 *
 * <p>Speed. At 1M sockets the cost is the kernel's: about 3.5 us per readlink of a proc fd link
 * plus 0.85 us per listed descriptor, measured with a C loop on the 2-core dev VM (3.4-4.8 s per
 * million on one thread). So the scan uses the FFM walker ({@link NativeProcFs}: no Java object per
 * descriptor, 3.6 s of CPU per million, at the C floor) when it links, else the NIO walker ({@link
 * NioProcFs}: 4.4 s, about 20% more), and spreads processes over {@link #DEFAULT_THREADS} platform
 * threads that pull pids from a shared counter (process sizes vary by orders of magnitude, so fixed
 * partitions would leave a thread idle). For comparison, {@code ss -tanp} did not finish in 210 s
 * at 1M sockets.
 *
 * <p>A set of inodes of interest would not make the scan cheaper: a descriptor's inode is only
 * known after its readlink, which is where the time goes; and stopping once every wanted inode is
 * found would miss the other owners of shared sockets. So the scan always covers every process.
 *
 * <p>Processes and descriptors that vanish during the scan are normal and only counted ({@link
 * SocketOwners#counts()}); processes whose descriptors the caller may not read (other users', when
 * not root) are counted and reported once in {@link SocketOwners#unavailable()}.
 */
public final class SocketOwnerScanner {
  /** The {@link Unavailable#item()} of everything this scanner reports. */
  public static final String ITEM = "process attribution";

  /** Worker threads per scan: {@link ShardWorkers#DEFAULT_THREADS}. */
  static final int DEFAULT_THREADS = ShardWorkers.DEFAULT_THREADS;

  /** Which descriptor walker to use; tests and the benchmark force one. */
  enum Walker {
    /** The native walker when it links, else NIO. */
    AUTO,
    NATIVE,
    NIO
  }

  private final Path root;
  private final Walker walker;
  private final int threads;
  private final int maxDescriptors;

  /** Scans the host's {@code /proc}. */
  public SocketOwnerScanner() {
    this(Path.of("/"));
  }

  /**
   * Scans {@code <root>/proc}; tests point {@code root} at a fake tree.
   *
   * @param root the directory that contains {@code proc}
   */
  public SocketOwnerScanner(Path root) {
    this(root, Walker.AUTO, DEFAULT_THREADS, SocketOwners.MAX_DESCRIPTORS);
  }

  SocketOwnerScanner(Path root, Walker walker, int threads, int maxDescriptors) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive: " + threads);
    }
    if (walker == Walker.NATIVE && NativeProcFs.unavailableReason() != null) {
      throw new IllegalStateException(
          "native walker unavailable: " + NativeProcFs.unavailableReason());
    }
    this.root = root;
    this.walker = walker;
    this.threads = threads;
    this.maxDescriptors = maxDescriptors;
  }

  /** {@code native} or {@code nio}: the walker {@link #scan()} uses. */
  String walkerName() {
    return useNative() ? "native" : "nio";
  }

  private boolean useNative() {
    return walker == Walker.NATIVE
        || (walker == Walker.AUTO && NativeProcFs.unavailableReason() == null);
  }

  /**
   * Scans every process once. Never throws for what it reads: an unreadable proc directory gives an
   * empty result whose {@link SocketOwners#unavailable()} says why.
   */
  public SocketOwners scan() {
    Path procDir = root.resolve("proc");
    try (ProcFs fs = open(procDir)) {
      return scan(fs, procDir);
    } catch (IOException e) {
      return SocketOwners.failed(
          ScanCounts.NONE, new Unavailable(ITEM, "cannot read " + procDir + ": " + describe(e)));
    }
  }

  /** The proc directory through the walker this scanner uses. */
  ProcFs open(Path procDir) throws IOException {
    return useNative() ? NativeProcFs.open(procDir) : new NioProcFs(procDir);
  }

  /** Worker threads a walk of every process may use. */
  int threads() {
    return threads;
  }

  private SocketOwners scan(ProcFs fs, Path procDir) throws IOException {
    int[] pids = fs.pids();
    AtomicInteger next = new AtomicInteger();
    AtomicLong taken = new AtomicLong();
    int workers = Math.clamp(pids.length, 1, threads);
    ScanShard[] shards =
        ShardWorkers.run(
            workers,
            index -> work(fs.newReader(), new ProcessInfoReader(procDir), pids, next, taken));
    return merge(shards, pids.length);
  }

  /** One worker: takes pids until none are left or the descriptor cap is reached. */
  private ScanShard work(
      FdTableReader reader,
      ProcessInfoReader infos,
      int[] pids,
      AtomicInteger next,
      AtomicLong taken) {
    ScanShard shard = new ScanShard();
    for (int i; (i = next.getAndIncrement()) < pids.length && taken.get() < maxDescriptors; ) {
      int pid = pids[i];
      shard.processesSeen++;
      int start = shard.size();
      long descriptorsBefore = shard.descriptors;
      FdTableStatus status = reader.read(pid, shard);
      if (status == FdTableStatus.READ && shard.size() > start) {
        ProcessInfo info = infos.read(pid, shard.descriptors - descriptorsBefore);
        if (info == null) {
          status = FdTableStatus.VANISHED;
        } else {
          shard.processes.add(info);
          taken.addAndGet(shard.size() - start);
        }
      }
      switch (status) {
        case READ -> {}
        case DENIED -> shard.processesDenied++;
        case VANISHED -> shard.processesVanished++;
        case FAILED -> shard.processesFailed++;
      }
      if (status != FdTableStatus.READ) {
        shard.truncate(start);
      }
    }
    return shard;
  }

  private SocketOwners merge(ScanShard[] shards, int processes) {
    List<ProcessInfo> infos = new ArrayList<>();
    long pairs = 0;
    int seen = 0;
    int denied = 0;
    int vanished = 0;
    int failed = 0;
    long descriptors = 0;
    long descriptorsVanished = 0;
    String failure = null;
    for (ScanShard s : shards) {
      infos.addAll(s.processes);
      pairs += s.size();
      seen += s.processesSeen;
      denied += s.processesDenied;
      vanished += s.processesVanished;
      failed += s.processesFailed;
      descriptors += s.descriptors;
      descriptorsVanished += s.descriptorsVanished;
      failure = failure != null ? failure : s.firstFailure;
    }
    SocketOwners.Builder builder =
        new SocketOwners.Builder(infos, (int) Math.min(pairs, maxDescriptors), maxDescriptors);
    for (ScanShard s : shards) {
      for (int i = 0; i < s.size() && builder.add(s.inode(i), s.pid(i)); i++) {}
    }
    List<Unavailable> unavailable =
        problems(denied, failed, failure, processes, builder.truncated() || seen < processes, seen);
    ScanCounts counts =
        new ScanCounts(processes, denied, vanished, failed, descriptors, descriptorsVanished);
    return builder.build(counts, unavailable);
  }

  /** What a walk could not read, in words; empty when it read everything. */
  List<Unavailable> problems(
      int denied, int failed, String failure, int processes, boolean truncated, int seen) {
    List<Unavailable> unavailable = new ArrayList<>();
    if (denied > 0) {
      unavailable.add(
          new Unavailable(
              ITEM,
              "partial: "
                  + denied
                  + " of "
                  + processes
                  + " processes unreadable (permission denied); "
                  + (Privilege.runningAsRoot()
                      ? "denied even to root, so a sandbox or security module hides them"
                      : "run as root for full attribution")));
    }
    if (failed > 0) {
      unavailable.add(
          new Unavailable(
              ITEM, failed + " of " + processes + " processes could not be read: " + failure));
    }
    if (truncated) {
      unavailable.add(
          new Unavailable(
              ITEM,
              "incomplete: stopped at the limit of "
                  + maxDescriptors
                  + " socket descriptors; "
                  + (processes - seen)
                  + " of "
                  + processes
                  + " processes not scanned"));
    }
    return unavailable;
  }

  private static String describe(IOException e) {
    return switch (e) {
      case NoSuchFileException x -> "no such directory";
      case AccessDeniedException x -> "permission denied";
      default -> e.getMessage();
    };
  }
}
