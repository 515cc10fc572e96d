package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.NodeReader;
import io.sockwatch.ReadSettings;
import io.sockwatch.Watch;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.watch.WatchConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files over real HTTP from the agent's own route table: the bytes in the jar, the
 * right content types, revalidation by ETag, HEAD, strict queries, and startup refusing a missing
 * or oversized file. No tick runs: static files must not depend on the sampler.
 */
@Tag("live")
class StaticEndpointTest {

  private static final Map<String, String> FILES =
      Map.of(
          "/", "io/sockwatch/cli/http/dashboard/index.html",
          "/ui/dashboard.js", "io/sockwatch/cli/http/dashboard/dashboard.js",
          "/ui/dashboard.css", "io/sockwatch/cli/http/dashboard/dashboard.css",
          "/ui/uPlot.iife.min.js", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
          "/ui/uPlot.min.css", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final StringWriter log = new StringWriter();
  private ApiServer server;
  private NodeReader reader;
  private String base;

  @BeforeEach
  void start() throws IOException {
    // Never ticked: these tests read only the static files.
    reader = NodeReader.open(ReadSettings.live(NetnsChoice.SELF));
    Watch sampler = Watch.builder(reader, WatchConfig.DEFAULTS).detectors(Set.of()).build();
    server =
        AgentRoutes.start(
            new InetSocketAddress("127.0.0.1", 0),
            sampler,
            Clock.systemUTC(),
            new PrintWriter(log, true));
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (reader != null) {
      reader.close();
    }
    http.close();
  }

  @Test
  void servesEachFileAsInTheJarWithItsContentType() throws Exception {
    Map<String, String> types =
        Map.of(
            "/", "text/html; charset=utf-8",
            "/ui/dashboard.js", "text/javascript; charset=utf-8",
            "/ui/dashboard.css", "text/css; charset=utf-8",
            "/ui/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "/ui/uPlot.min.css", "text/css; charset=utf-8");
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      HttpResponse<byte[]> r = get(f.getKey(), Map.of());
      assertThat(r.statusCode()).as(f.getKey()).isEqualTo(200);
      assertThat(r.body()).as(f.getKey()).isEqualTo(resource(f.getValue()));
      assertThat(r.headers().firstValue("Content-Type")).hasValue(types.get(f.getKey()));
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("Content-Security-Policy"))
          .hasValue(StaticEndpoint.CONTENT_SECURITY_POLICY);
      assertThat(r.headers().firstValue("ETag")).get().asString().matches("\"[0-9a-f]{32}\"");
    }
    String page = new String(get("/", Map.of()).body(), StandardCharsets.UTF_8);
    // Everything the page loads is one of the files above: nothing from elsewhere.
    assertThat(page)
        .contains(
            "src=\"/ui/uPlot.iife.min.js\"",
            "src=\"/ui/dashboard.js\"",
            "href=\"/ui/uPlot.min.css\"",
            "href=\"/ui/dashboard.css\"")
        .doesNotContain("http://", "https://", "//cdn");
    assertThat(log.toString()).isEmpty();
  }

  @Test
  void aBrowserWithTheCurrentCopyGetsNotModified() throws Exception {
    String etag = get("/ui/dashboard.js", Map.of()).headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> same = get("/ui/dashboard.js", Map.of("If-None-Match", etag));
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(same.headers().firstValue("ETag")).hasValue(etag);
    HttpResponse<byte[]> weakAmongOthers =
        get("/ui/dashboard.js", Map.of("If-None-Match", "\"other\", W/" + etag));
    assertThat(weakAmongOthers.statusCode()).isEqualTo(304);
    HttpResponse<byte[]> stale = get("/ui/dashboard.js", Map.of("If-None-Match", "\"older\""));
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(resource(FILES.get("/ui/dashboard.js")));
    // Each file has its own tag.
    assertThat(get("/ui/dashboard.css", Map.of("If-None-Match", etag)).statusCode()).isEqualTo(200);
  }

  @Test
  void headAnswersTheSizeWithoutABody() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ui/uPlot.iife.min.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(resource(FILES.get("/ui/uPlot.iife.min.js")).length));
  }

  @Test
  void unknownPathsQueriesAndMethodsAreJsonErrors() throws Exception {
    HttpResponse<byte[]> query = get("/?v=2", Map.of());
    assertThat(query.statusCode()).isEqualTo(400);
    assertThat(new String(query.body(), StandardCharsets.UTF_8))
        .contains("\"error\":\"unknown parameter 'v'\"");
    HttpResponse<byte[]> other = get("/ui/uPlot.iife.js", Map.of());
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.headers().firstValue("Content-Type")).hasValue(Responses.JSON);
    HttpResponse<byte[]> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void aMissingOrOversizedFileStopsStartupWithItsName() {
    assertThatThrownBy(
            () -> StaticEndpoint.resource("io/sockwatch/cli/http/dashboard/nope.js", "x/y"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dashboard file missing from the jar: io/sockwatch/cli/http/dashboard/nope.js");
    String uplot = FILES.get("/ui/uPlot.iife.min.js");
    assertThatThrownBy(() -> StaticEndpoint.resource(uplot, StaticEndpoint.JAVASCRIPT, 1000))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dashboard file " + uplot + " is larger than 1000 bytes");
  }

  private HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = StaticEndpointTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
