package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.doctor.LeakServerMain;
import io.sockwatch.cli.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link LeakServerMain} (accepts connections, never closes them) in a child JVM running under a
 * process name of the test's choice: the kernel names a process after the file it executed, here a
 * symbolic link to this JVM's java called {@code name}. {@link #close()} kills it (by its handle)
 * and removes the link.
 */
final class RenamedLeakServer implements AutoCloseable {

  private final Path dir;
  private final ChildJvm jvm;
  private final int port;
  private final long pid;

  private RenamedLeakServer(Path dir, ChildJvm jvm, int port, long pid) {
    this.dir = dir;
    this.jvm = jvm;
    this.port = port;
    this.pid = pid;
  }

  /**
   * Starts it listening on 127.0.0.1.
   *
   * @param name the process name: no '/', at most 15 characters (the kernel's {@code comm})
   */
  static RenamedLeakServer start(String name, Duration bound) throws Exception {
    Path dir = Files.createTempDirectory("sockwatch-leaker-");
    ChildJvm jvm = null;
    try {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      jvm =
          ChildJvm.launcher()
              .java(Files.createSymbolicLink(dir.resolve(name), java))
              .heap("64m")
              .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
              .start(LeakServerMain.class, "127.0.0.1");
      String line = jvm.awaitLine("port ", bound);
      String[] words = line.split(" "); // port N pid P
      assertThat(Files.readString(Path.of("/proc", words[3], "comm")).trim()).isEqualTo(name);
      return new RenamedLeakServer(dir, jvm, Integer.parseInt(words[1]), Long.parseLong(words[3]));
    } catch (Exception | AssertionError e) {
      if (jvm != null) {
        jvm.close();
      }
      deleteDir(dir);
      throw e;
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return pid;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      jvm.close();
    } finally {
      deleteDir(dir);
    }
  }

  /** Removes the directory and the link in it. */
  private static void deleteDir(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }
}
