package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link EchoMain} child JVM inside a test namespace, with its stdout lines queued so a test can
 * wait for one with a deadline instead of sleeping. Closing it kills the process (by handle).
 */
public final class EchoProcess implements AutoCloseable {
  /** Lines kept at most; a test reads a handful, the bound only guards against a runaway child. */
  private static final int MAX_LINES = 1000;

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(MAX_LINES);
  private final String ready;

  private EchoProcess(Process process) throws IOException {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    var out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  lines.offer(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    this.ready =
        awaitLine("READY", Duration.ofSeconds(30))
            .orElseThrow(() -> new IOException("echo process did not start"));
  }

  /** Starts an echo server on {@code addr:port} in {@code ns}, once it listens. */
  public static EchoProcess server(TestNetns ns, String addr, int port) throws IOException {
    return start(ns, List.of("server", addr + ":" + port));
  }

  /**
   * Connects a client from {@code ns} to {@code addr:port}; with {@code keepalive} non-null, TCP
   * keepalive is on with that idle time and that interval between probes.
   */
  public static EchoProcess client(TestNetns ns, String addr, int port, Keepalive keepalive)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("client", addr + ":" + port));
    if (keepalive != null) {
      args.add(Long.toString(keepalive.idle().toSeconds()));
      args.add(Long.toString(keepalive.interval().toSeconds()));
    }
    return start(ns, args);
  }

  /** TCP keepalive timing, whole seconds as the socket options take them. */
  public record Keepalive(Duration idle, Duration interval) {}

  private static EchoProcess start(TestNetns ns, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-XX:+UseSerialGC", "-Xmx32m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EchoMain.class.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      return new EchoProcess(p);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /** The child's pid, as it reported it (inside a namespace it is still the host's pid). */
  public long pid() {
    return Long.parseLong(ready.split(" ")[1]);
  }

  /** The client's local port (from its READY line); servers have none. */
  public int localPort() {
    String[] parts = ready.split(" ");
    if (parts.length < 3) {
      throw new IllegalStateException("not a client: " + ready);
    }
    return Integer.parseInt(parts[2]);
  }

  /** Sends one line over the client's connection. */
  public void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /** The next output line starting with {@code prefix}, skipping others, within {@code timeout}. */
  public Optional<String> awaitLine(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        String line = lines.poll(left, TimeUnit.NANOSECONDS);
        if (line != null && line.startsWith(prefix)) {
          return Optional.of(line);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }
}
