package io.sockwatch.kernel.procfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The /proc tree recorded on Linux 6.18 (see fixture-6.18/README.md). */
final class Fixture618 {

  private Fixture618() {}

  /** The root of the recorded tree: it holds {@code proc/net/...} and {@code proc/sys/...}. */
  static Path root() {
    try {
      return Path.of(Fixture618.class.getResource("fixture-6.18").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String relative) {
    return new String(bytes(relative), StandardCharsets.ISO_8859_1);
  }

  /** Copies the {@code proc} tree into {@code dir}, so a test can damage its own copy. */
  static Path copyTo(Path dir) throws IOException {
    Path from = root();
    List<Path> paths;
    try (Stream<Path> s = Files.walk(from.resolve("proc"))) {
      paths = s.toList();
    }
    for (Path p : paths) {
      Path to = dir.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(to);
      } else {
        Files.copy(p, to);
      }
    }
    return dir;
  }
}
