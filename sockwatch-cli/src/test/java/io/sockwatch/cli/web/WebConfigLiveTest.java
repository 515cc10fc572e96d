package io.sockwatch.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Safe to expose", with real tools: a throwaway certificate from {@code openssl}, a bcrypt hash
 * from {@code htpasswd -B} (Debian's apache2-utils), the real {@code sockwatch serve} with {@code
 * --web-config} and {@code --metrics-listen 0.0.0.0:0}, and {@code curl} as the client, all inside
 * a network namespace the test created (so 0.0.0.0 there is only its loopback). It proves: TLS with
 * that certificate (curl verifies it against it, and refuses without it); basic auth (the right
 * password gets 200, a wrong one and none 401 with {@code WWW-Authenticate}); plain HTTP to the TLS
 * port fails; the exposed address serves /metrics and /healthz and 404s the API and the dashboard,
 * while the loopback address still has the API, behind the same TLS and auth.
 */
@Tag("live")
class WebConfigLiveTest {

  private static final Pattern LISTENING =
      Pattern.compile("sockwatch serve: listening on https://127\\.0\\.0\\.1:(\\d+)/ .*");
  private static final Pattern METRICS =
      Pattern.compile("sockwatch serve: metrics on https://0\\.0\\.0\\.0:(\\d+)/metrics .*");
  private static final String USER = "prometheus";
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;

  /** What curl saw: its exit code, the HTTP status (0 without a response), headers and body. */
  private record Curl(int exit, int status, String headers, String body) {}

  @Test
  void tlsAndBasicAuthGuardBothAddressesAndOnlyMetricsIsExposed() throws Exception {
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=sockwatch-test",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        dir.resolve("node.key").toString(),
        "-out",
        dir.resolve("node.crt").toString());
    String htpasswd = run("htpasswd", "-nbBC", "6", USER, PASSWORD).strip();
    assertThat(htpasswd).startsWith(USER + ":$2y$06$");
    String hash = htpasswd.substring(USER.length() + 1);
    // Relative file names: resolved against the config's directory, as node_exporter does.
    Path config =
        Files.writeString(
            dir.resolve("web.yml"),
            "tls_server_config:\n  cert_file: node.crt\n  key_file: node.key\n"
                + "basic_auth_users:\n  "
                + USER
                + ": '"
                + hash
                + "'\n");

    try (TestNetns ns = TestNetns.create("web");
        ChildJvm serve =
            ChildJvm.launcher()
                .netns(ns)
                .heap("256m")
                .flags("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1")
                .start(
                    Main.class,
                    "serve",
                    "--listen",
                    "127.0.0.1:0",
                    "--metrics-listen",
                    "0.0.0.0:0",
                    "--web-config",
                    config.toString(),
                    "--netns",
                    "self")) {
      int api = port(LISTENING, serve.awaitLine("sockwatch serve: listening on ", seconds(60)));
      int exposed = port(METRICS, serve.awaitLine("sockwatch serve: metrics on ", seconds(10)));
      String exposedUrl = "https://127.0.0.1:" + exposed;
      String apiUrl = "https://127.0.0.1:" + api;
      String cacert = dir.resolve("node.crt").toString();
      String right = USER + ":" + PASSWORD;

      // The right password: /metrics, once the first tick is done (503 before).
      Curl metrics = awaitOk(ns, "--cacert", cacert, "-u", right, exposedUrl + "/metrics");
      assertThat(metrics.body()).contains("sockwatch_sockets{state=\"established\"}");

      // A wrong password and none: 401 asking for basic auth, a JSON error, no stack trace.
      for (List<String> creds : List.of(List.of("-u", USER + ":wrong"), List.<String>of())) {
        for (String url : List.of(exposedUrl + "/metrics", apiUrl + "/api/status")) {
          List<String> args = new ArrayList<>(List.of("--cacert", cacert));
          args.addAll(creds);
          args.add(url);
          Curl c = curl(ns, args.toArray(String[]::new));
          assertThat(c.status()).as(creds + " " + url).isEqualTo(401);
          assertThat(c.headers())
              .containsIgnoringCase("WWW-Authenticate: Basic realm=\"sockwatch\"");
          assertThat(c.body()).startsWith("{\"error\":").doesNotContain("Exception");
        }
      }

      // TLS is real: without the certificate curl refuses the server (60: peer certificate
      // cannot be authenticated), and plain HTTP to the TLS port gets no HTTP answer.
      assertThat(curl(ns, "-u", right, exposedUrl + "/metrics").exit()).isEqualTo(60);
      Curl plain = curl(ns, "-u", right, "http://127.0.0.1:" + exposed + "/metrics");
      assertThat(plain.exit()).as(plain.toString()).isNotZero();
      assertThat(plain.status()).isNotEqualTo(200);

      // The exposed address: /healthz (open to probes), and nothing of the API or dashboard.
      Curl health = curl(ns, "--cacert", cacert, exposedUrl + "/healthz");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      for (String path :
          List.of("/api/status", "/api/findings", "/api/snapshot", "/", "/ui/dashboard.js")) {
        Curl c = curl(ns, "--cacert", cacert, "-u", right, exposedUrl + path);
        assertThat(c.status()).as(path).isEqualTo(404);
        assertThat(c.body()).contains("this address serves only /metrics and /healthz");
      }

      // The loopback address keeps the API, behind the same TLS and auth.
      Curl status = curl(ns, "--cacert", cacert, "-u", right, apiUrl + "/api/status");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.body()).contains("\"schema\":\"sockwatch.status/v1\"");
      assertThat(curl(ns, "--cacert", cacert, "-u", right, apiUrl + "/").status()).isEqualTo(200);

      // Counted: the auth families show the rejections and the remembered success.
      Curl after = curl(ns, "--cacert", cacert, "-u", right, exposedUrl + "/metrics");
      assertThat(counter(after.body(), "sockwatch_web_auth_requests_total{result=\"rejected\"}"))
          .isGreaterThanOrEqualTo(4);
      assertThat(counter(after.body(), "sockwatch_web_auth_requests_total{result=\"cached\"}"))
          .isGreaterThanOrEqualTo(3);
      assertThat(counter(after.body(), "sockwatch_web_auth_requests_total{result=\"verified\"}"))
          .isEqualTo(1);
      assertThat(counter(after.body(), "sockwatch_web_auth_cache_entries")).isEqualTo(1);
      io.sockwatch.cli.metrics.Promtool.assertPasses(after.body());
      assertThat(serve.stderr()).doesNotContain("Exception");
    }
  }

  private static double counter(String exposition, String series) {
    for (String line : exposition.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    throw new AssertionError(series + " not in the exposition");
  }

  private static int port(Pattern p, String line) {
    Matcher m = p.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static Duration seconds(int s) {
    return Duration.ofSeconds(s);
  }

  /** curl ARGS until it answers 200 (503 until the first tick), bounded. */
  private static Curl awaitOk(TestNetns ns, String... args) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      Curl c = curl(ns, args);
      if (c.status() == 200) {
        return c;
      }
      if (c.status() != 503 || System.nanoTime() > deadline) {
        throw new AssertionError("expected 200, got " + c);
      }
      Thread.sleep(200);
    }
  }

  /** Runs curl inside {@code ns}; bounded by its own --max-time and a kill after 30 s. */
  private static Curl curl(TestNetns ns, String... args) throws Exception {
    Path headers = Files.createTempFile("curl-headers", ".txt");
    try {
      List<String> cmd = new ArrayList<>(ns.prefix());
      cmd.addAll(
          List.of(
              "curl", "-sS", "--max-time", "20", "-D", headers.toString(), "-w", "\n%{http_code}"));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return p.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("curl " + List.of(args) + " did not finish");
      }
      String text = new String(out.join(), StandardCharsets.UTF_8);
      int nl = text.lastIndexOf('\n');
      int status = Integer.parseInt(text.substring(nl + 1).strip());
      return new Curl(
          p.exitValue(), status, Files.readString(headers), nl < 0 ? "" : text.substring(0, nl));
    } finally {
      Files.deleteIfExists(headers);
    }
  }

  /** Runs a command here and returns its stdout; fails on a non-zero exit. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command[0] + " did not finish");
    }
    String text = new String(out.join(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(command[0] + ": " + text).isZero();
    return text;
  }
}
