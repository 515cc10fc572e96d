package io.sockwatch.cli.doctor;

import io.sockwatch.testkit.TestNetns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ConnPeer} child JVM running inside a test namespace. {@code ip netns exec} execs the JVM
 * in place, so {@link #pid()} is the pid that owns the sockets and the doctor reports it as {@code
 * java(pid)}. Its sockets are IPv4 (AF_INET), so endpoints read {@code 127.0.0.1:PORT} rather than
 * {@code [::ffff:127.0.0.1]:PORT}. {@link #close()} kills it and waits for it.
 */
final class PeerProcess implements AutoCloseable {

  private final Process process;
  private final String firstLine;

  private PeerProcess(Process process, String firstLine) {
    this.process = process;
    this.firstLine = firstLine;
  }

  /** Starts {@code ConnPeer ARGS} in {@code ns} and waits (at most 20 s) for its first line. */
  static PeerProcess start(TestNetns ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx64m",
            "-Djava.net.preferIPv4Stack=true"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ConnPeer.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(20, TimeUnit.SECONDS);
      if (line == null) {
        throw new IOException("ConnPeer " + String.join(" ", args) + " exited before it was ready");
      }
      return new PeerProcess(p, line);
    } catch (InterruptedException | ExecutionException | TimeoutException | IOException e) {
      p.destroyForcibly();
      throw new IOException("ConnPeer " + String.join(" ", args) + " did not start: " + e, e);
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  long pid() {
    return process.pid();
  }

  /** {@code java(pid)}, as the doctor names this process. */
  String comm() {
    return "java(" + process.pid() + ")";
  }

  /** The port in a {@code connected PORT} first line. */
  int localPort() {
    return Integer.parseInt(firstLine.substring(firstLine.indexOf(' ') + 1).trim());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }
}
