package io.sockwatch.kernel.bpf;

import io.sockwatch.process.cgroup.CgroupPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Names the processes and containers of connection events from /proc and the cgroup v2 tree, with
 * bounded caches: a process's name is read once per {@link #TTL_NANOS} (a reused pid may carry the
 * old name that long), and the cgroup tree is walked again at most every {@link #TTL_NANOS} when an
 * unknown cgroup id shows up.
 */
final class ProcessLabels implements FlowAggregator.Labels {

  static final int MAX_ENTRIES = 4096;
  static final long TTL_NANOS = 10_000_000_000L;
  static final int MAX_CGROUP_DIRS = 50_000;
  static final int MAX_CGROUP_DEPTH = 16;

  private record Cached(String value, long at) {}

  private final Path proc;
  private final Path cgroupRoot;
  private final LongSupplier clock;
  private final Map<Integer, Cached> comms = lru();
  private final Map<Long, String> containers = lru();
  private Map<Long, String> cgroupPaths = Map.of();
  private long cgroupWalkedAt = Long.MIN_VALUE;
  private long dropped;

  ProcessLabels(Path proc, Path cgroupRoot, LongSupplier clock) {
    this.proc = proc;
    this.cgroupRoot = cgroupRoot;
    this.clock = clock;
  }

  static ProcessLabels live() {
    return new ProcessLabels(Path.of("/proc"), Path.of("/sys/fs/cgroup"), System::nanoTime);
  }

  @Override
  public String comm(int tgid, String threadComm) {
    if (tgid <= 0) {
      return threadComm;
    }
    long now = clock.getAsLong();
    Cached c = comms.get(tgid);
    if (c == null || now - c.at() > TTL_NANOS) {
      String name = threadComm;
      try {
        name = Files.readString(proc.resolve(Integer.toString(tgid)).resolve("comm")).strip();
      } catch (IOException | RuntimeException gone) {
        // The process ended: the connecting thread's name is what is left.
      }
      c = new Cached(name, now);
      comms.put(tgid, c);
    }
    return c.value();
  }

  @Override
  public String container(long cgroupId) {
    if (cgroupId == 0) {
      return "";
    }
    String label = containers.get(cgroupId);
    if (label != null) {
      return label;
    }
    String path = cgroupPaths.get(cgroupId);
    long now = clock.getAsLong();
    if (path == null && (cgroupWalkedAt == Long.MIN_VALUE || now - cgroupWalkedAt > TTL_NANOS)) {
      cgroupWalkedAt = now;
      cgroupPaths = walk();
      path = cgroupPaths.get(cgroupId);
    }
    if (path == null) {
      return "";
    }
    var identity = CgroupPaths.classify(path);
    label = identity.isContainer() ? identity.label() : "";
    containers.put(cgroupId, label);
    return label;
  }

  /** Cgroup directories left out of the last walk because of its bounds. */
  long dropped() {
    return dropped;
  }

  /** Every cgroup directory by inode number (a cgroup v2 id is its directory's inode). */
  private Map<Long, String> walk() {
    Map<Long, String> byId = new HashMap<>();
    ArrayDeque<Path> todo = new ArrayDeque<>();
    todo.add(cgroupRoot);
    dropped = 0;
    while (!todo.isEmpty()) {
      Path dir = todo.poll();
      if (byId.size() >= MAX_CGROUP_DIRS) {
        dropped++;
        continue;
      }
      try {
        Object ino = Files.getAttribute(dir, "unix:ino");
        String rel = "/" + cgroupRoot.relativize(dir);
        byId.put(((Number) ino).longValue(), rel.equals("/") ? "/" : rel);
      } catch (IOException | RuntimeException gone) {
        continue;
      }
      if (dir.getNameCount() - cgroupRoot.getNameCount() >= MAX_CGROUP_DEPTH) {
        continue;
      }
      try (var children = Files.newDirectoryStream(dir, Files::isDirectory)) {
        children.forEach(todo::add);
      } catch (IOException | RuntimeException gone) {
        // Removed while walking, or not readable: its children stay unnamed.
      }
    }
    return byId;
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }
}
