package io.sockwatch.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which processes hold which socket inodes, as one attribution scan found them. Immutable.
 *
 * <p>Built for a million sockets: an open-addressing table of primitive {@code long} inodes to
 * {@code int} values (linear probing, load below 2/3, about 25 MB at 1M sockets) instead of a
 * {@code HashMap<Long, List<ProcessInfo>>} (which would box every key and allocate a list per
 * entry, roughly 100 bytes per socket). A value is the index of the single owning process, or, for
 * the rare socket shared by several processes (inherited across fork, pre-fork servers), a negative
 * reference to a small sorted array of owner indices.
 *
 * <p>At most {@link #MAX_DESCRIPTORS} (inode, process) pairs are kept; a scan that finds more stops
 * there and says so in {@link #unavailable()}, so memory stays bounded on absurd hosts.
 */
public final class SocketOwners {
  /**
   * Cap on (socket inode, process) pairs: 8 Mi, eight times the 1M-socket target. At the cap the
   * table takes about 200 MB.
   */
  public static final int MAX_DESCRIPTORS = 1 << 23;

  /** No sockets, no processes, nothing unavailable. */
  public static final SocketOwners EMPTY =
      new Builder(List.of(), 0, MAX_DESCRIPTORS).build(ScanCounts.NONE, List.of());

  /** Inode 0 marks a free slot; the kernel never gives a socket inode 0. */
  private static final long FREE = 0;

  private final long[] keys;
  private final int[] values;
  private final int mask;
  private final int socketCount;
  private final int[][] sharedOwners;
  private final int[] pids;
  private final ProcessInfo[] processes;
  private final List<List<ProcessInfo>> soleOwners;
  private final ScanCounts counts;
  private final List<Unavailable> unavailable;

  private SocketOwners(
      Builder b, int[][] sharedOwners, ScanCounts counts, List<Unavailable> unavailable) {
    this.keys = b.keys;
    this.values = b.values;
    this.mask = b.mask;
    this.socketCount = b.socketCount;
    this.sharedOwners = sharedOwners;
    this.pids = b.pids;
    this.processes = b.processes;
    List<List<ProcessInfo>> sole = new ArrayList<>(processes.length);
    for (ProcessInfo p : processes) {
      sole.add(List.of(p));
    }
    this.soleOwners = sole;
    this.counts = counts;
    this.unavailable = List.copyOf(unavailable);
  }

  private SocketOwners(SocketOwners o, List<Unavailable> unavailable) {
    this.keys = o.keys;
    this.values = o.values;
    this.mask = o.mask;
    this.socketCount = o.socketCount;
    this.sharedOwners = o.sharedOwners;
    this.pids = o.pids;
    this.processes = o.processes;
    this.soleOwners = o.soleOwners;
    this.counts = o.counts;
    this.unavailable = List.copyOf(unavailable);
  }

  /** The same owners with {@code more} added to what could not be read; shares the tables. */
  public SocketOwners withUnavailable(List<Unavailable> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Unavailable> all = new ArrayList<>(unavailable);
    all.addAll(more);
    return new SocketOwners(this, all);
  }

  /** Whether some scanned process holds {@code inode}; like {@link #ownersOf} without a list. */
  public boolean holds(long inode) {
    if (inode == FREE) {
      return false;
    }
    for (int slot = slot(inode, mask); ; slot = (slot + 1) & mask) {
      long key = keys[slot];
      if (key == inode) {
        return true;
      }
      if (key == FREE) {
        return false;
      }
    }
  }

  /**
   * The processes holding {@code inode}, in ascending pid order; empty when no scanned process
   * holds it (including inode 0, which sock_diag reports for TIME_WAIT and request sockets).
   */
  public List<ProcessInfo> ownersOf(long inode) {
    if (inode == FREE) {
      return List.of();
    }
    for (int slot = slot(inode, mask); ; slot = (slot + 1) & mask) {
      long key = keys[slot];
      if (key == inode) {
        int value = values[slot];
        if (value >= 0) {
          return soleOwners.get(value); // made once per process: this runs once per socket
        }
        int[] owners = sharedOwners[-value - 1];
        ProcessInfo[] result = new ProcessInfo[owners.length];
        for (int i = 0; i < owners.length; i++) {
          result[i] = processes[owners[i]];
        }
        return List.of(result);
      }
      if (key == FREE) {
        return List.of();
      }
    }
  }

  /** The socket-holding process with this pid, or null if the scan found none. */
  public ProcessInfo process(int pid) {
    int i = Arrays.binarySearch(pids, pid);
    return i >= 0 ? processes[i] : null;
  }

  /** Number of distinct socket inodes with at least one owner. */
  public int socketCount() {
    return socketCount;
  }

  /** Number of processes holding at least one socket. */
  public int processCount() {
    return processes.length;
  }

  /** What the scan walked (processes, descriptors, how many vanished or were unreadable). */
  public ScanCounts counts() {
    return counts;
  }

  /** What could not be attributed and why; empty when the scan was complete. */
  public List<Unavailable> unavailable() {
    return unavailable;
  }

  /** A result with no owners that only says why attribution failed. */
  public static SocketOwners failed(ScanCounts counts, Unavailable why) {
    return new Builder(List.of(), 0, MAX_DESCRIPTORS).build(counts, List.of(why));
  }

  private static int slot(long inode, int mask) {
    long h = inode * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /**
   * Collects (inode, pid) pairs for the processes given up front. Not thread-safe: the scanner
   * merges its worker shards into one builder after the workers finish.
   */
  public static final class Builder {
    private final int[] pids;
    private final ProcessInfo[] processes;
    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int maxPairs;
    private int socketCount;
    private int pairs;
    private boolean truncated;
    private int[][] shared = new int[0][];
    private int[] sharedSizes = new int[0];
    private int sharedCount;

    /**
     * @param processes the socket-holding processes, distinct pids
     * @param expectedPairs how many {@link #add} calls will come (sizes the table once)
     * @param maxPairs most pairs to keep, at most {@link #MAX_DESCRIPTORS} (tests use less)
     */
    public Builder(Collection<ProcessInfo> processes, int expectedPairs, int maxPairs) {
      if (maxPairs < 1 || maxPairs > MAX_DESCRIPTORS) {
        throw new IllegalArgumentException("maxPairs out of range: " + maxPairs);
      }
      this.maxPairs = maxPairs;
      this.processes = processes.toArray(ProcessInfo[]::new);
      Arrays.sort(this.processes, Comparator.comparingInt(ProcessInfo::pid));
      this.pids = new int[this.processes.length];
      for (int i = 0; i < pids.length; i++) {
        pids[i] = this.processes[i].pid();
        if (i > 0 && pids[i] == pids[i - 1]) {
          throw new IllegalArgumentException("duplicate pid " + pids[i]);
        }
      }
      int planned = Math.clamp(expectedPairs, 1, maxPairs);
      int capacity = Integer.highestOneBit(planned + planned / 2 + 1) << 1;
      this.keys = new long[capacity];
      this.values = new int[capacity];
      this.mask = capacity - 1;
    }

    /**
     * Records that {@code pid} holds socket {@code inode}. Repeats (the same socket on several
     * descriptors of one process, from dup) are ignored. Returns false, keeping nothing, once
     * {@code maxPairs} pairs were taken.
     *
     * @throws IllegalArgumentException if {@code inode} is not positive or {@code pid} was not
     *     among the processes given to the constructor
     */
    public boolean add(long inode, int pid) {
      if (inode <= 0) {
        throw new IllegalArgumentException("socket inode must be positive: " + inode);
      }
      int owner = Arrays.binarySearch(pids, pid);
      if (owner < 0) {
        throw new IllegalArgumentException("pid " + pid + " has no ProcessInfo");
      }
      if (pairs == maxPairs || socketCount == mask) {
        truncated = true;
        return false;
      }
      pairs++;
      int slot = slot(inode, mask);
      while (keys[slot] != FREE && keys[slot] != inode) {
        slot = (slot + 1) & mask;
      }
      if (keys[slot] == FREE) {
        keys[slot] = inode;
        values[slot] = owner;
        socketCount++;
      } else if (values[slot] >= 0) {
        if (values[slot] != owner) {
          values[slot] = -newShared(values[slot], owner) - 1;
        }
      } else {
        addShared(-values[slot] - 1, owner);
      }
      return true;
    }

    /** Whether pairs were refused because the table was full. */
    public boolean truncated() {
      return truncated;
    }

    public SocketOwners build(ScanCounts counts, List<Unavailable> unavailable) {
      int[][] owners = new int[sharedCount][];
      for (int i = 0; i < sharedCount; i++) {
        owners[i] = Arrays.copyOf(shared[i], sharedSizes[i]);
        Arrays.sort(owners[i]);
      }
      return new SocketOwners(this, owners, counts, unavailable);
    }

    private int newShared(int first, int second) {
      if (sharedCount == shared.length) {
        int grown = Math.max(8, sharedCount * 2);
        shared = Arrays.copyOf(shared, grown);
        sharedSizes = Arrays.copyOf(sharedSizes, grown);
      }
      shared[sharedCount] = new int[] {first, second, 0, 0};
      sharedSizes[sharedCount] = 2;
      return sharedCount++;
    }

    private void addShared(int list, int owner) {
      int[] owners = shared[list];
      int size = sharedSizes[list];
      for (int i = 0; i < size; i++) {
        if (owners[i] == owner) {
          return;
        }
      }
      if (size == owners.length) {
        owners = Arrays.copyOf(owners, size * 2);
        shared[list] = owners;
      }
      owners[size] = owner;
      sharedSizes[list] = size + 1;
    }
  }
}
