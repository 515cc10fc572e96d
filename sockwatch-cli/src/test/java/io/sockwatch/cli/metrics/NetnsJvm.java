package io.sockwatch.cli.metrics;

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
 * A main class of this test classpath running as a child JVM inside a test namespace, with a heap
 * of the test's choosing (and this JVM's open-files limit: raising it needs CAP_SYS_RESOURCE, which
 * the test machines do not grant). Stdout lines are kept for {@link #awaitLine}; {@link #close()}
 * ends the process (by its handle: only it) and waits for it.
 */
final class NetnsJvm implements AutoCloseable {

  private static final String EOF = "\0eof";

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder stderr = new StringBuilder();

  private NetnsJvm(Process process) {
    this.process = process;
    Thread.ofPlatform().daemon().start(() -> pump(process.inputReader(StandardCharsets.UTF_8)));
    Thread.ofPlatform().daemon().start(this::pumpErr);
  }

  /** Starts {@code main args} in {@code ns} with {@code -Xmx<heap>} (e.g. {@code 256m}). */
  static NetnsJvm start(TestNetns ns, String heap, Class<?> main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-Xmx" + heap,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-Djava.net.preferIPv4Stack=true",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    cmd.addAll(List.of(args));
    return new NetnsJvm(new ProcessBuilder(cmd).start());
  }

  private void pump(BufferedReader in) {
    try (in) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the process went away
    }
    lines.add(EOF);
  }

  private void pumpErr() {
    try (BufferedReader in = process.errorReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (stderr) {
          stderr.append(line).append('\n');
        }
      }
    } catch (IOException e) {
      // the process went away
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

  long pid() {
    return process.pid();
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
