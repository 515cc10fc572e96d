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
  private static final List<Path> PLACES = List.of(DEFAULT, Path.of("/sys/kernel/debug/tracing"));

  private final Path root;

  private Tracefs(Path root) {
    this.root = root;
  }

  /** A tracefs tree rooted at {@code root}, as tests give it. */
  static Tracefs at(Path root) {
    return new Tracefs(root);
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
      throw new IOException("tracefs is not mounted and " + e.getMessage(), e);
    }
    if (!Files.isDirectory(DEFAULT.resolve("events"))) {
      throw new IOException("tracefs mounted at " + DEFAULT + " has no events directory");
    }
    return new Tracefs(DEFAULT);
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

  Path root() {
    return root;
  }
}
