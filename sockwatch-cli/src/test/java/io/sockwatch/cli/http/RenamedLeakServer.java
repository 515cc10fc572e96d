package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.doctor.LeakServerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link LeakServerMain} (accepts connections, never closes them) in a child JVM running under a
 * process name of the test's choice: the kernel names a process after the file it executed, here a
 * symbolic link to this JVM's java called {@code name}. {@link #close()} kills it (by its handle)
 * and removes the link.
 */
final class RenamedLeakServer implements AutoCloseable {

  private final Path dir;
  private final Process process;
  private final int port;
  private final long pid;

  private RenamedLeakServer(Path dir, Process process, int port, long pid) {
    this.dir = dir;
    this.process = process;
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
    Process p = null;
    try {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      p =
          new ProcessBuilder(
                  Files.createSymbolicLink(dir.resolve(name), java).toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xmx64m",
                  "-Djava.net.preferIPv4Stack=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  LeakServerMain.class.getName(),
                  "127.0.0.1")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String line = firstLine(p, bound);
      assertThat(line).as("the leak server's ready line").isNotNull().startsWith("port ");
      String[] words = line.split(" "); // port N pid P
      assertThat(Files.readString(Path.of("/proc", words[3], "comm")).trim()).isEqualTo(name);
      return new RenamedLeakServer(dir, p, Integer.parseInt(words[1]), Long.parseLong(words[3]));
    } catch (Exception | AssertionError e) {
      if (p != null) {
        p.destroyForcibly();
      }
      deleteDir(dir);
      throw e;
    }
  }

  private static String firstLine(Process p, Duration bound) throws Exception {
    BufferedReader out = p.inputReader(StandardCharsets.UTF_8);
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .get(bound.toSeconds(), TimeUnit.SECONDS);
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
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
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
