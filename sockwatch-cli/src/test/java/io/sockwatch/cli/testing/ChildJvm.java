package io.sockwatch.cli.testing;

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
 * A main class of this test classpath running as a child JVM, optionally inside a test network
 * namespace and under a given open-files limit, with the heap and JVM flags its test needs (each
 * test says why it needs them). Stdout lines are kept for {@link #awaitLine}, stderr (its first 64
 * KiB) for failure messages; {@link #close()} ends the process (by its handle: only it) and waits
 * for it.
 */
public final class ChildJvm implements AutoCloseable {

  private static final String EOF = "\0eof";
  private static final int MAX_STDERR = 64 * 1024;

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

  /** A launch with nothing chosen yet: this namespace, the inherited limits, this JVM's java. */
  public static Launcher launcher() {
    return new Launcher();
  }

  /** What to run the child under; every JVM of the tests runs with the serial collector. */
  public static final class Launcher {
    private TestNetns ns;
    private String nofile;
    private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private String heap = "64m";
    private final List<String> flags = new ArrayList<>();
    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    private Launcher() {}

    /**
     * Sets the child's environment variable {@code name}, or removes it when {@code value} is null.
     */
    public Launcher env(String name, String value) {
      this.env.put(name, value);
      return this;
    }

    /** Runs the child inside {@code ns}. */
    public Launcher netns(TestNetns ns) {
      this.ns = ns;
      return this;
    }

    /** Runs the child under soft:hard RLIMIT_NOFILE {@code nofile} (e.g. {@code 4096:8192}). */
    public Launcher nofile(String nofile) {
      this.nofile = nofile;
      return this;
    }

    /**
     * Runs this JVM's java through {@code java} (e.g. a symbolic link to it: the kernel names a
     * process after the file it executed).
     */
    public Launcher java(Path java) {
      this.java = java;
      return this;
    }

    /** {@code -Xmx<heap>}, e.g. {@code 256m}; 64m unless chosen. */
    public Launcher heap(String heap) {
      this.heap = heap;
      return this;
    }

    /** Further JVM flags, after {@code -XX:+UseSerialGC -Xmx<heap>}. */
    public Launcher flags(String... flags) {
      this.flags.addAll(List.of(flags));
      return this;
    }

    /** Starts {@code main args} as chosen. */
    public ChildJvm start(Class<?> main, String... args) throws IOException {
      List<String> cmd = new ArrayList<>();
      if (ns != null) {
        cmd.addAll(ns.prefix());
      }
      if (nofile != null) {
        cmd.addAll(List.of("prlimit", "--nofile=" + nofile, "--"));
      }
      cmd.add(java.toString());
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Xmx" + heap);
      cmd.addAll(flags);
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      env.forEach(
          (k, v) -> {
            if (v == null) {
              pb.environment().remove(k);
            } else {
              pb.environment().put(k, v);
            }
          });
      return new ChildJvm(pb.start());
    }
  }

  private void pump(BufferedReader in, boolean out) {
    try (in) {
      String line;
      while ((line = in.readLine()) != null) {
        if (out) {
          lines.add(line);
        } else {
          synchronized (stderr) {
            if (stderr.length() < MAX_STDERR) {
              stderr.append(line).append('\n');
            }
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
  public String awaitLine(String prefix, Duration timeout)
      throws IOException, InterruptedException {
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
  public int await(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("child did not exit in " + timeout + "; stderr: " + stderr());
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /** Writes {@code line} and a newline to the program's stdin, for programs driven by commands. */
  public void send(String line) throws IOException {
    var in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  public String stderr() {
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
