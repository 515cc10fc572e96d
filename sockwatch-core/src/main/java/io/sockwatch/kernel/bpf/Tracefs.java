package io.sockwatch.kernel.bpf;

import io.sockwatch.kernel.bpf.Sys.SysException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the tracing filesystem, mounting it at its usual place when no one has, and reads event
 * formats from it. Mounting needs CAP_SYS_ADMIN; the mount is left in place (it is the system's
 * usual state and other tools expect it).
 */
final class Tracefs {

  static final Path DEFAULT = Path.of("/sys/kernel/tracing");
  // The last is the host's own, seen from a process with another mount namespace (ip netns exec
  // mounts a fresh /sys without tracefs; so do containers).
  private static final List<Path> PLACES =
      List.of(
          DEFAULT,
          Path.of("/sys/kernel/debug/tracing"),
          Path.of("/proc/1/root/sys/kernel/tracing"));

  private final Path root;

  private Tracefs(Path root) {
    this.root = root;
  }

  /**
   * The mounted tracefs, mounting it when needed.
   *
   * @throws IOException with the reason when there is none and it could not be mounted
   */
  static Tracefs find() throws IOException {
    for (Path p : PLACES) {
      if (Files.isDirectory(p.resolve("events"))) {
        return new Tracefs(p);
      }
    }
    if (!Files.isDirectory(DEFAULT)) {
      throw new IOException("no tracefs: " + DEFAULT + " does not exist (kernel without tracing)");
    }
    if (mounted(DEFAULT)) {
      throw new IOException(
          "tracefs at " + DEFAULT + " is not readable (permission denied): needs root");
    }
    try (Arena arena = Arena.ofConfined()) {
      Sys.call(
          "mounting tracefs at " + DEFAULT,
          Sys.NR.mount(),
          arena.allocateFrom("tracefs").address(),
          arena.allocateFrom(DEFAULT.toString()).address(),
          arena.allocateFrom("tracefs").address(),
          0,
          0,
          0);
    } catch (SysException e) {
      throw new IOException(
          "tracefs is not mounted and "
              + e.getMessage()
              + (Sys.isPermission(e.errno()) ? ": needs root (CAP_SYS_ADMIN)" : ""),
          e);
    }
    if (!Files.isDirectory(DEFAULT.resolve("events"))) {
      throw new IOException("tracefs mounted at " + DEFAULT + " has no events directory");
    }
    return new Tracefs(DEFAULT);
  }

  /** Whether /proc/self/mounts lists a tracefs at {@code place}. */
  private static boolean mounted(Path place) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
        String[] f = line.split(" ");
        if (f.length > 2 && f[1].equals(place.toString()) && f[2].equals("tracefs")) {
          return true;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Unknown: try to mount, which says why it cannot.
    }
    return false;
  }

  /**
   * The format of event {@code group/name}, empty when the kernel has no such event.
   *
   * @throws IOException when it exists but cannot be read or parsed
   */
  Optional<TracepointFormat> format(String group, String name) throws IOException {
    Path file = root.resolve("events").resolve(group).resolve(name).resolve("format");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file);
    try {
      return Optional.of(TracepointFormat.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
