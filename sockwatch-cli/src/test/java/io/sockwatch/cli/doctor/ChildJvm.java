package io.sockwatch.cli.doctor;

import io.sockwatch.testkit.TestNetns;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A helper program of the leak tests ({@link LeakServerMain}, {@link LeakClientMain}) running as a
 * child JVM, optionally inside a test network namespace and under a given open-files limit. Its
 * stdout lines are collected for {@link #awaitLine}; {@link #close()} kills it (only it: by its
 * process handle) and waits for it to go.
 */
final class ChildJvm implements AutoCloseable {

  private static final String EOF = "\0eof";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();

  private ChildJvm(Process process) {
    this.process = process;
    Thread.ofPlatform()
        .daemon()
        .start(() -> pump(process.inputReader(StandardCharsets.UTF_8), true));
    Thread.ofPlatform()
        .daemon()
        .start(() -> pump(process.errorReader(StandardCharsets.UTF_8), false));
  }

  /**
   * Starts {@code main} with {@code args}.
   *
   * @param ns namespace to run in, or null for this one
   * @param nofile soft:hard RLIMIT_NOFILE to run under (e.g. {@code 4096:8192}), or null to inherit
   */
  static ChildJvm start(TestNetns ns, String nofile, Class<?> main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(ns.prefix());
    }
    if (nofile != null) {
      cmd.addAll(List.of("prlimit", "--nofile=" + nofile, "--"));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            // Keep the inherited soft open-files limit (the JVM raises it to the hard one).
            "-XX:-MaxFDLimit",
            // Plain AF_INET sockets, so the kernel shows 127.0.0.x rather than ::ffff:127.0.0.x.
            "-Djava.net.preferIPv4Stack=true",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    cmd.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(cmd).start());
  }

  private void pump(BufferedReader in, boolean out) {
    try (in) {
      String line;
      while ((line = in.readLine()) != null) {
        if (out) {
          lines.add(line);
        } else {
          synchronized (stderr) {
            stderr.append(line).append('\n');
          }
        }
      }
    } catch (IOException e) {
      // the process went away
    }
    if (out) {
      lines.add(EOF);
    }
  }

  /** The next stdout line starting with {@code prefix}, waiting at most {@code timeout}. */
  String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(EOF)) {
        throw new IOException(
            "no '"
                + prefix
                + "' line "
                + (line == null ? "in " + timeout : "before exit")
                + "; stderr: "
                + stderr());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits for the program to end by itself; returns its exit code. */
  int await(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("child did not exit in " + timeout + "; stderr: " + stderr());
    }
    return process.exitValue();
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
