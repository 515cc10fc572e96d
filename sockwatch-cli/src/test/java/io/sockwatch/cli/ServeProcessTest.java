package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sockwatch serve} as a process: it says where it listens, binds loopback by default,
 * samples on its own (ticks and scans grow without anyone asking) and stops on SIGTERM.
 */
@Tag("live")
class ServeProcessTest {

  private static final Pattern LISTENING =
      Pattern.compile("listening on http://(127\\.0\\.0\\.1:\\d+)/");

  @Test
  void samplesByItselfServesOnLoopbackAndStopsOnTerm() throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--listen",
            ":0");
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).isNotNull();
      Matcher m = LISTENING.matcher(first);
      assertThat(m.find()).as(first).isTrue();
      URI status = URI.create("http://" + m.group(1) + "/api/status");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      JsonMapper json = JsonMapper.builder().build();

      long deadline = System.nanoTime() + 20_000_000_000L;
      JsonNode s = null;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> r =
            http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          s = json.readTree(r.body());
          if (s.get("ticks").asLong() >= 3) {
            break;
          }
        }
        Thread.sleep(200);
      }
      assertThat(s).as("a status within 20 s").isNotNull();
      assertThat(s.get("ticks").asLong()).isGreaterThanOrEqualTo(3);
      assertThat(s.get("scans").asLong()).isPositive();
      assertThat(s.get("memory").get("history").get("bytes").asLong())
          .isPositive()
          .isLessThanOrEqualTo(s.get("memory").get("history").get("max_bytes").asLong());

      p.destroy(); // SIGTERM: the shutdown hook stops sampling and the server
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
