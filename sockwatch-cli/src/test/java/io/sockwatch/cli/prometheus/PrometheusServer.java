package io.sockwatch.cli.prometheus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's real {@code prometheus} server, started by a test on a loopback port with a
 * configuration and storage of its own in a temporary directory, and read through its HTTP API.
 * {@link #close()} stops it by its own process handle (SIGTERM, then SIGKILL) and deletes the
 * directory. A missing binary fails the test with the package to install, so a check that did not
 * run is never taken for one that passed.
 */
final class PrometheusServer implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;

  private PrometheusServer(Process process, Path dir, Path log, int port) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
  }

  /**
   * Writes {@code config} as {@code prometheus.yml} in {@code dir} (which the server then owns and
   * {@link #close()} deletes), starts the server on a free loopback port and waits (bounded) until
   * it is ready. A port taken between choosing it and binding it is retried with another.
   */
  static PrometheusServer start(Path dir, String config) throws IOException, InterruptedException {
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path log = dir.resolve("prometheus-" + attempt + ".log");
      Process p;
      try {
        p =
            new ProcessBuilder(
                    "prometheus",
                    "--config.file=" + file,
                    "--storage.tsdb.path=" + dir.resolve("data-" + attempt),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException e) {
        throw new IOException(
            "prometheus was not found on PATH (apt-get install prometheus; ./test does): " + e, e);
      }
      PrometheusServer server = new PrometheusServer(p, dir, log, port);
      try {
        server.awaitReady(Duration.ofSeconds(60));
        return server;
      } catch (IOException e) {
        last = e;
        server.stop();
        if (!server.logTail().contains("address already in use")) {
          break;
        }
      }
    }
    deleteTree(dir);
    throw last;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "prometheus exited with " + process.exitValue() + "; its log: " + logTail());
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("prometheus not ready in " + timeout + "; its log: " + logTail());
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  private HttpResponse<String> get(String target) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET target} of the HTTP API, which must answer 200 with status success: its data. */
  JsonNode api(String target) throws IOException, InterruptedException {
    HttpResponse<String> r = get(target);
    JsonNode doc = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !doc.path("status").asString("").equals("success")) {
      throw new IOException(target + " answered " + r.statusCode() + ": " + r.body());
    }
    return doc.get("data");
  }

  /** An instant query, {@code /api/v1/query}: its data ({@code resultType}, {@code result}). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** The alerts pending or firing now, {@code /api/v1/alerts}. */
  List<JsonNode> alerts() throws IOException, InterruptedException {
    return api("/api/v1/alerts").get("alerts").valueStream().toList();
  }

  /** The last 4 KiB of the server's log, for failure messages. */
  String logTail() {
    try {
      String s = Files.readString(log);
      return s.length() > 4096 ? s.substring(s.length() - 4096) : s;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    stop();
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
