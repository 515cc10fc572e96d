package io.sockwatch.process;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ScanCounts;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;

/**
 * Process attribution for the agent, which reads the same host every few seconds. A full walk of
 * every process's descriptors costs about 3.6 us of kernel time per descriptor, the largest part of
 * a scan (0.36 s of CPU at 100k sockets), while between two scans most descriptor tables do not
 * change. So this scanner remembers each process's socket inodes and re-reads a process only when
 * it is new or its descriptor count changed: the size the kernel reports for {@code /proc/PID/fd}
 * (Linux 6.2 and later; before, the size is 0 and every process is re-read, as a full walk does).
 * One {@code stat} per process replaces one {@code readlink} per descriptor.
 *
 * <p>What a count cannot show: a process that closed one socket and opened another between two
 * scans keeps its count, so its new socket is owned by no remembered process. Such unknown sockets
 * (attributable ones, with an inode, that the last full walk did not already fail to attribute)
 * bring a full walk, paced so that full walks use at most {@code fullWalkShare} of one core on
 * average; until then they are reported, counted, in {@link SocketOwners#unavailable()}. A full
 * walk also runs every {@link #MAX_AGE_SECONDS} (when the pace allows) to refresh what a count does
 * not reveal either: a changed limit or name, sockets inherited or passed between processes.
 *
 * <p>Not thread-safe: one sampler owns it.
 */
public final class IncrementalOwnerScanner {

  /** Longest time between full walks when the CPU pace allows one. */
  static final double MAX_AGE_SECONDS = 60;

  /**
   * A process as the last read of it found it: its descriptor count then, its sockets and info
   * (null without sockets), or that its table was not ours to read ({@link FdTableStatus#DENIED}).
   */
  private record Known(long fdCount, FdTableStatus status, long[] inodes, ProcessInfo info) {}

  private final SocketOwnerScanner walker;
  private final Path procDir;
  private final double fullWalkShare;
  private final LongSupplier monotonicNanos;
  private final LongSupplier cpuNanos;
  private final IntToLongFunction fdCounts;

  private Map<Integer, Known> known = new HashMap<>();
  private SocketOwners owners = SocketOwners.EMPTY;
  private long[] unattributable = new long[0];
  private boolean walked;
  private long lastFullWalkNanos;
  private double lastFullWalkCpuSeconds;
  private long fullWalks;
  private long processesRead;

  /**
   * @param root the directory that contains {@code proc}
   * @param fullWalkShare fraction of one core full walks may use on average, e.g. half the agent's
   *     CPU budget
   * @param cpuNanos CPU time of the whole process, to measure what a full walk costs
   */
  public IncrementalOwnerScanner(Path root, double fullWalkShare, LongSupplier cpuNanos) {
    this(new SocketOwnerScanner(root), root, fullWalkShare, System::nanoTime, cpuNanos, null);
  }

  /**
   * @param fdCounts descriptor count of a pid, -1 when unknown; null: the size of {@code
   *     /proc/PID/fd} (tests of a fake tree, whose directory sizes mean nothing, give their own)
   */
  IncrementalOwnerScanner(
      SocketOwnerScanner walker,
      Path root,
      double fullWalkShare,
      LongSupplier monotonicNanos,
      LongSupplier cpuNanos,
      IntToLongFunction fdCounts) {
    if (!(fullWalkShare > 0) || fullWalkShare > 1) {
      throw new IllegalArgumentException("full-walk share must be in (0, 1]: " + fullWalkShare);
    }
    this.walker = walker;
    this.procDir = root.resolve("proc");
    this.fullWalkShare = fullWalkShare;
    this.monotonicNanos = monotonicNanos;
    this.cpuNanos = cpuNanos;
    this.fdCounts = fdCounts != null ? fdCounts : this::fdDirectorySize;
  }

  /** The owners of the sockets of a table just read. */
  public SocketOwners ownersFor(List<SocketRecord> table) {
    long now = monotonicNanos.getAsLong();
    double age = (now - lastFullWalkNanos) / 1e9;
    if (!walked || (age >= MAX_AGE_SECONDS && paced(age))) {
      return fullWalk(table, now);
    }
    pass(false);
    int unknown = unknown(table);
    if (unknown == 0) {
      return owners;
    }
    if (paced(age)) {
      return fullWalk(table, now);
    }
    return owners.withUnavailable(
        List.of(
            new Unavailable(
                SocketOwnerScanner.ITEM,
                String.format(
                    Locale.ROOT,
                    "%d sockets not attributed yet: new since the last full walk of /proc (%.0f s"
                        + " ago) in processes whose descriptor count did not change; walked again"
                        + " when the CPU budget allows (every %.0f s at its cost)",
                    unknown,
                    age,
                    lastFullWalkCpuSeconds / fullWalkShare))));
  }

  /** Full walks so far (the first read is one). */
  long fullWalks() {
    return fullWalks;
  }

  /** Processes whose descriptors were read so far, in full walks and between them. */
  long processesRead() {
    return processesRead;
  }

  private boolean paced(double age) {
    return age >= lastFullWalkCpuSeconds / fullWalkShare;
  }

  private SocketOwners fullWalk(List<SocketRecord> table, long now) {
    long cpu0 = cpuNanos.getAsLong();
    pass(true);
    lastFullWalkCpuSeconds = Math.max(0, cpuNanos.getAsLong() - cpu0) / 1e9;
    lastFullWalkNanos = now;
    walked = true;
    fullWalks++;
    long[] left = new long[table.size()];
    int n = 0;
    for (SocketRecord s : table) {
      if (s.inode() != 0 && !owners.holds(s.inode())) {
        left[n++] = s.inode();
      }
    }
    Arrays.sort(left, 0, n);
    unattributable = Arrays.copyOf(left, n);
    return owners;
  }

  private int unknown(List<SocketRecord> table) {
    int unknown = 0;
    for (SocketRecord s : table) {
      long inode = s.inode();
      if (inode != 0 && !owners.holds(inode) && Arrays.binarySearch(unattributable, inode) < 0) {
        unknown++;
      }
    }
    return unknown;
  }

  /**
   * Lists the processes, re-reads those that are new or whose descriptor count changed (every one
   * when {@code full}), forgets those gone, and rebuilds the owners when anything changed.
   */
  private void pass(boolean full) {
    try (ProcFs fs = walker.open(procDir)) {
      int[] pids = fs.pids();
      Map<Integer, Known> next = HashMap.newHashMap(pids.length);
      int[] toRead = new int[pids.length];
      long[] counts = new long[pids.length];
      int reads = 0;
      long kept = 0;
      long[] all = new long[pids.length];
      boolean countsReported = false;
      for (int i = 0; i < pids.length; i++) {
        all[i] = fdCounts.applyAsLong(pids[i]);
        countsReported |= all[i] > 0;
      }
      // A count of 0 is a process without descriptors (a kernel thread) only on a kernel that
      // reports counts at all; before Linux 6.2 every size is 0.
      long lowestTrusted = countsReported ? 0 : 1;
      for (int i = 0; i < pids.length; i++) {
        int pid = pids[i];
        long count = all[i];
        Known k = known.get(pid);
        if (!full && k != null && count >= lowestTrusted && k.fdCount() == count) {
          next.put(pid, k);
          kept += k.inodes().length;
        } else {
          toRead[reads] = pid;
          counts[reads++] = count;
        }
      }
      Reads r = read(fs, Arrays.copyOf(toRead, reads), counts, kept, full);
      // Rebuild the owners unless the only processes read again are still unreadable ones.
      boolean changed = full || owners == SocketOwners.EMPTY || r.truncated;
      for (int i = 0; i < reads; i++) {
        Known k = r.results[i];
        Known before = known.get(toRead[i]);
        changed |=
            k == null
                || k.status() != FdTableStatus.DENIED
                || before == null
                || before.status() != FdTableStatus.DENIED;
        if (k != null) {
          next.put(toRead[i], k);
        }
      }
      changed |= !next.keySet().equals(known.keySet());
      known = next;
      processesRead += reads;
      if (changed) {
        owners = build(r, pids.length);
      }
    } catch (IOException e) {
      known = new HashMap<>();
      owners =
          SocketOwners.failed(
              ScanCounts.NONE,
              new Unavailable(SocketOwnerScanner.ITEM, "cannot read " + procDir + ": " + e));
    }
  }

  /** {@code /proc/PID/fd}'s size: its open descriptors (0 before Linux 6.2), -1 if unreadable. */
  private long fdDirectorySize(int pid) {
    try {
      return Files.size(procDir.resolve(Integer.toString(pid)).resolve("fd"));
    } catch (IOException e) {
      return -1;
    }
  }

  /** What one pass read: per process read, its new entry (null unless fully read), and counts. */
  private static final class Reads {
    Known[] results;
    int notReached;
    int vanished;
    int failed;
    long descriptors;
    long descriptorsVanished;
    boolean truncated;
    String failure;
  }

  private Reads read(ProcFs fs, int[] pids, long[] counts, long kept, boolean full) {
    Reads r = new Reads();
    r.results = new Known[pids.length];
    AtomicInteger next = new AtomicInteger();
    AtomicLong taken = new AtomicLong(kept);
    int workers = full ? Math.clamp(pids.length, 1, walker.threads()) : 1;
    ScanShard[] shards =
        ShardWorkers.run(workers, index -> work(fs, pids, counts, next, taken, r.results));
    for (ScanShard s : shards) {
      r.vanished += s.processesVanished;
      r.failed += s.processesFailed;
      r.descriptors += s.descriptors;
      r.descriptorsVanished += s.descriptorsVanished;
      r.failure = r.failure != null ? r.failure : s.firstFailure;
    }
    r.notReached = Math.max(0, pids.length - next.get());
    r.truncated = r.notReached > 0;
    return r;
  }

  private ScanShard work(
      ProcFs fs, int[] pids, long[] counts, AtomicInteger next, AtomicLong taken, Known[] results) {
    FdTableReader reader = fs.newReader();
    ProcessInfoReader infos = new ProcessInfoReader(procDir);
    ScanShard shard = new ScanShard();
    for (int i;
        (i = next.getAndIncrement()) < pids.length
            && taken.get() < SocketOwners.MAX_DESCRIPTORS; ) {
      int pid = pids[i];
      shard.truncate(0);
      long descriptorsBefore = shard.descriptors;
      FdTableStatus status = reader.read(pid, shard);
      ProcessInfo info = null;
      if (status == FdTableStatus.READ && shard.size() > 0) {
        info = infos.read(pid, shard.descriptors - descriptorsBefore);
        if (info == null) {
          status = FdTableStatus.VANISHED;
        }
      }
      switch (status) {
        case READ -> {
          long[] inodes = new long[shard.size()];
          for (int j = 0; j < inodes.length; j++) {
            inodes[j] = shard.inode(j);
          }
          taken.addAndGet(inodes.length);
          results[i] = new Known(counts[i], status, inodes, info);
        }
        case DENIED -> results[i] = new Known(counts[i], status, new long[0], null);
        case VANISHED -> shard.processesVanished++;
        case FAILED -> shard.processesFailed++;
      }
    }
    shard.truncate(0);
    return shard;
  }

  private SocketOwners build(Reads r, int processes) {
    List<ProcessInfo> infos = new ArrayList<>();
    long pairs = 0;
    int denied = 0;
    for (Known k : known.values()) {
      if (k.status() == FdTableStatus.DENIED) {
        denied++;
      } else if (k.info() != null) {
        infos.add(k.info());
        pairs += k.inodes().length;
      }
    }
    SocketOwners.Builder builder =
        new SocketOwners.Builder(
            infos,
            (int) Math.min(pairs, SocketOwners.MAX_DESCRIPTORS),
            SocketOwners.MAX_DESCRIPTORS);
    boolean room = true;
    for (Known k : known.values()) {
      for (int j = 0; room && j < k.inodes().length; j++) {
        room = builder.add(k.inodes()[j], k.info().pid());
      }
    }
    boolean truncated = r.truncated || builder.truncated();
    List<Unavailable> unavailable =
        walker.problems(
            denied, r.failed, r.failure, processes, truncated, processes - r.notReached);
    ScanCounts counts =
        new ScanCounts(
            processes, denied, r.vanished, r.failed, r.descriptors, r.descriptorsVanished);
    return builder.build(counts, unavailable);
  }
}
