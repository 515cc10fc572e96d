package io.sockwatch.cli.http;

import static io.sockwatch.cli.http.LiveAgent.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.metrics.Exposition;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Random requests against the live agent: junk paths, junk and near-valid query strings, odd
 * methods. Whatever comes in, the answer is a 2xx of the endpoint's own type or a 4xx with the JSON
 * error body, never a 500 and never anything of the server's insides. Seeded, so a failure
 * reproduces; the seed is in the assertion message.
 */
@Tag("live")
class AgentApiFuzzLiveTest {

  private static final long SEED = 0x5_0c_4a_7c_11L;
  private static final int REQUESTS = 400;

  /** Characters java.net.URI takes raw in a path or query ({@code %} starts an escape). */
  private static final String RAW = "abcxyzABC019-._~!$'()*+,;=:@/%";

  private static final List<String> PARAMETERS =
      List.of("series", "window", "step", "to", "top", "sockets", "x", "", "Series", "top[]");

  private static final List<String> VALUES =
      List.of(
          "",
          "1",
          "0",
          "-1",
          "600",
          "86400",
          "99999999999999999999",
          "true",
          "false",
          "NaN",
          "1e3",
          "sockwatch_sockets",
          "sockwatch_sockets%7Bstate%3D%22listen%22%7D",
          "sockwatch_sockets%7B",
          "%00",
          "%C3%A9",
          "%FF%FE");

  private LiveAgent agent;

  @BeforeEach
  void start() throws Exception {
    agent = LiveAgent.start();
    agent.tick();
    agent.tick();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void everyAnswerIsTheEndpointsOwnOrAJsonClientErrorNeverAServerError() throws Exception {
    Random random = new Random(SEED);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      String path =
          random.nextInt(3) == 0 ? junkPath(random) : pick(random, AgentApiLiveTest.ROUTES);
      String target = path + query(random);
      String method =
          random.nextInt(8) == 0 ? pick(random, List.of("POST", "HEAD", "OPTIONS")) : "GET";
      URI.create("http://127.0.0.1" + target); // the generator makes only valid request targets
      HttpResponse<String> r = agent.send(method, target);
      check(method + " " + target + " (seed " + SEED + ", request " + i + ")", path, method, r);
      statuses.merge(r.statusCode(), 1, Integer::sum);
    }
    assertThat(statuses).as("the mix reaches every outcome").containsKeys(200, 400, 404, 405);
    assertThat(agent.log()).as("requests that failed inside the server").isEmpty();
  }

  private static void check(String what, String path, String method, HttpResponse<String> r) {
    int status = r.statusCode();
    String type = r.headers().firstValue("Content-Type").orElse("");
    assertThat(status).as(what).isIn(200, 400, 404, 405);
    assertThat(r.body()).as(what).doesNotContain("Exception").doesNotContain("at io.");
    boolean known = AgentApiLiveTest.ROUTES.contains(path);
    if (!known) {
      assertThat(status).as(what).isEqualTo(404);
    } else if (!Set.of("GET", "HEAD").contains(method)) {
      assertThat(status).as(what).isEqualTo(405);
    }
    if (method.equals("HEAD")) {
      assertThat(r.body()).as(what).isEmpty();
      return;
    }
    if (status != 200) {
      assertThat(type).as(what).isEqualTo(Responses.JSON);
      JsonNode body = json(r);
      assertThat(body.get("status").asInt()).as(what).isEqualTo(status);
      assertThat(body.get("error").asString()).as(what).isNotBlank();
      return;
    }
    switch (path) {
      case "/metrics" -> assertThat(Exposition.parse(r.body()).samples()).as(what).isNotEmpty();
      case "/healthz" -> assertThat(r.body()).as(what).isEqualTo("ok\n");
      default -> {
        assertThat(type).as(what).isEqualTo(Responses.JSON);
        assertThat(json(r).get("schema").asString()).as(what).startsWith("sockwatch.");
      }
    }
  }

  private static String junkPath(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "/" + junk(random, 3 + random.nextInt(10));
      case 1 ->
          pick(random, AgentApiLiveTest.ROUTES) + pick(random, List.of("/", "//", "/..", "x"));
      case 2 -> "/api/" + junk(random, 3 + random.nextInt(10));
      default -> "//" + junk(random, 3 + random.nextInt(5)) + "/%2e%2e/metrics";
    };
  }

  private static String query(Random random) {
    int pairs = random.nextInt(4);
    if (pairs == 0) {
      return random.nextBoolean() ? "" : "?";
    }
    StringBuilder q = new StringBuilder("?");
    for (int i = 0; i < pairs; i++) {
      if (i > 0) {
        q.append(random.nextInt(5) == 0 ? "&&" : "&");
      }
      switch (random.nextInt(4)) {
        case 0 -> q.append(junk(random, 1 + random.nextInt(8)));
        case 1 -> q.append(pick(random, PARAMETERS));
        default -> q.append(pick(random, PARAMETERS)).append('=').append(value(random));
      }
    }
    return q.toString();
  }

  private static String value(Random random) {
    return random.nextBoolean() ? pick(random, VALUES) : junk(random, random.nextInt(12));
  }

  /** Random URI-safe text: raw characters, escapes of any byte, and some non-ASCII. */
  private static String junk(Random random, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        b.append(String.format("%%%02X", random.nextInt(256)));
      } else if (kind == 1) {
        b.append(pick(random, List.of("é", "✓", "Ω")));
      } else {
        char c = RAW.charAt(random.nextInt(RAW.length()));
        b.append(c == '%' ? "%25" : String.valueOf(c));
      }
    }
    return b.toString();
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  /**
   * A request target that is not a valid URI (a raw {@code {} or a broken escape) never reaches
   * sockwatch: the JDK's HTTP server answers it with a 400 and a one-line HTML body of its own. This
   * pins that: a 4xx, no stack trace, the connection closed; clients must percent-encode selectors
   * such as {@code sockwatch_sockets{state="listen"}}.
   */
  @Test
  void anInvalidRequestTargetIsRefusedByTheHttpLayerWithA400() throws Exception {
    for (String target :
        List.of(
            "/api/history?series=sockwatch_sockets{state=\"listen\"}", "/metrics?%zz", "/a|b")) {
      String answer = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(answer)
          .as(target)
          .startsWith("HTTP/1.1 400 ")
          .doesNotContain("at io.", "at java.");
    }
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", agent.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
