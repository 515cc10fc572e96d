package io.sockwatch.cli.serve;

import io.sockwatch.cli.Main;
import io.sockwatch.testkit.TestNetns;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code sockwatch serve} running as a child JVM inside a test namespace, on a port the
 * kernel picks. Its API is read from inside the namespace with {@code curl} (the agent binds to the
 * namespace's loopback, which the test JVM cannot reach). {@link #close()} stops it (SIGTERM, then
 * SIGKILL by its own handle).
 */
final class ServeProcess implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://(127\\.0\\.0\\.1:\\d+)/");

  private final TestNetns ns;
  private final Process process;
  private final String address;
  private final StringBuilder stderr = new StringBuilder();

  private ServeProcess(TestNetns ns, Process process, String address) {
    this.ns = ns;
    this.process = process;
    this.address = address;
    Thread.ofPlatform().daemon().start(this::pumpStderr);
  }

  /** Starts {@code sockwatch serve --listen 127.0.0.1:0 ARGS} in {@code ns}; waits for its URL. */
  static ServeProcess start(TestNetns ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--listen",
            "127.0.0.1:0"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    try {
      BufferedReader out = p.inputReader(StandardCharsets.UTF_8);
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      Matcher m = line == null ? null : LISTENING.matcher(line);
      if (m == null || !m.find()) {
        p.destroyForcibly();
        throw new IOException(
            "sockwatch serve did not start: "
                + line
                + " "
                + new String(p.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8));
      }
      return new ServeProcess(ns, p, m.group(1));
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException
        | InterruptedException e) {
      p.destroyForcibly();
      throw new IOException("sockwatch serve did not start in 60 s", e);
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private void pumpStderr() {
    try (BufferedReader r = process.errorReader(StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (stderr) {
          if (stderr.length() < 64 * 1024) {
            stderr.append(line).append('\n');
          }
        }
      }
    } catch (IOException e) {
      // the process went away
    }
  }

  /** The agent's address inside the namespace, {@code 127.0.0.1:PORT}. */
  String address() {
    return address;
  }

  /** GET {@code path} from inside the namespace and parse the JSON answer. */
  JsonNode get(String path) throws IOException {
    String body = ns.exec("curl", "-sSf", "--max-time", "5", "http://" + address + path);
    return JSON.readTree(body);
  }

  /** The open and resolved findings: {@code /api/findings}. */
  JsonNode findings() throws IOException {
    return get("/api/findings");
  }

  /**
   * Waits (bounded) until the agent has scanned {@code scans} times and its last scan took at most
   * {@code maxScanSeconds} of wall time: the first scans of a fresh JVM run cold and take far
   * longer, and a scan that lags behind its own socket dump cannot catch a short connection's
   * owner.
   */
  void awaitWarm(int scans, double maxScanSeconds, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = get("/api/status");
        if (status.get("scans").asLong() >= scans
            && status.get("last_scan_seconds").asDouble() <= maxScanSeconds) {
          return;
        }
      } catch (IOException e) {
        // 503 before the first tick: retry until the deadline
      }
      Thread.sleep(200);
    }
    throw new IOException(
        "the agent did not reach "
            + scans
            + " scans of at most "
            + maxScanSeconds
            + " s in "
            + timeout
            + " (each scan reads every process's descriptors: a host where other jobs hold"
            + " hundreds of thousands of them makes scans take seconds); last status: "
            + status
            + "; stderr: "
            + stderr());
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
