package io.sockwatch.image;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository and the build, as Maven passes them to the tests. */
final class Repo {

  private Repo() {}

  /** The repository's root (the parent of this module). */
  static Path root() {
    return Path.of(property("sockwatch.repo")).toAbsolutePath().normalize();
  }

  static Path deploy() {
    return root().resolve("deploy");
  }

  /** The shaded jar that the image carries, {@code sockwatch-cli/target/sockwatch.jar}. */
  static Path shadedJar() {
    Path jar = Path.of(property("sockwatch.shaded.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build with mvn -pl sockwatch-image -am");
    }
    return jar;
  }

  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run the tests through Maven");
    }
    return v;
  }
}
