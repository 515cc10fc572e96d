package io.sockwatch.cli.serve;

import io.sockwatch.testkit.TestNetns;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TrafficMain} process running inside a test namespace. {@link #start} returns once it
 * printed {@code ready}, with the time it did; {@link #close()} closes its stdin (it exits by
 * itself) and kills it, by its own handle, if it does not.
 */
final class Traffic implements AutoCloseable {

  private final Process process;
  private final long readyNanos;

  private Traffic(Process process, long readyNanos) {
    this.process = process;
    this.readyNanos = readyNanos;
  }

  /** Starts {@code TrafficMain ARGS} in {@code ns} and waits up to 60 s for its {@code ready}. */
  static Traffic start(TestNetns ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            // Plain AF_INET sockets, so ss shows 127.0.0.1 rather than ::ffff:127.0.0.1.
            "-Djava.net.preferIPv4Stack=true"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TrafficMain.class.getName()));
    cmd.addAll(List.of(args));
    Path errors = Files.createTempFile("traffic", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
    try {
      BufferedReader reader = p.inputReader(StandardCharsets.UTF_8);
      String line = CompletableFuture.supplyAsync(() -> readLine(reader)).get(60, TimeUnit.SECONDS);
      if (!"ready".equals(line)) {
        throw new IOException(
            "TrafficMain "
                + String.join(" ", args)
                + " did not get ready: "
                + Files.readString(errors).strip());
      }
      return new Traffic(p, System.nanoTime());
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      stop(p);
      throw new IOException("TrafficMain " + String.join(" ", args) + " did not get ready", e);
    } catch (IOException | RuntimeException e) {
      stop(p);
      throw e;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** {@link System#nanoTime()} when it printed {@code ready}, i.e. started its traffic. */
  long readyNanos() {
    return readyNanos;
  }

  /** How findings name it: {@code comm(pid)}; {@code ip netns exec} execs java in place. */
  String label() {
    return "java(" + process.pid() + ")";
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process p) {
    try {
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      p.destroyForcibly();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
