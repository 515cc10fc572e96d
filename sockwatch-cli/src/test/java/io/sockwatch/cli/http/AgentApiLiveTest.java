package io.sockwatch.cli.http;

import static io.sockwatch.cli.http.LiveAgent.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.metrics.Exposition;
import io.sockwatch.cli.metrics.Promtool;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.WatchState;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The agent's HTTP API end to end: the real sampler on the live kernel, the real server, a real
 * HTTP client. This JVM's namespace is shared with whatever else runs on the machine, so no test
 * here expects particular socket counts; each compares two views of the same tick instead.
 */
@Tag("live")
class AgentApiLiveTest {

  static final List<String> ROUTES =
      List.of(
          "/healthz", "/metrics", "/api/status", "/api/findings", "/api/snapshot", "/api/history");

  private LiveAgent agent;

  @BeforeEach
  void start() throws Exception {
    agent = LiveAgent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
    assertThat(agent.log()).as("requests that failed inside the server").isEmpty();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void assertJsonError(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains(Responses.JSON);
    JsonNode body = json(r);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("error").asString()).isNotBlank();
  }

  @Test
  void beforeTheFirstTickEndpointsSayTryAgainAndHealthzIsUnhealthy() throws Exception {
    for (String route : ROUTES) {
      HttpResponse<String> r = agent.get(route);
      if (route.equals("/api/history")) {
        // the list of series is just empty
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("series")).isEmpty();
      } else {
        assertJsonError(r, 503);
      }
    }
    agent.tick();
    HttpResponse<String> healthz = agent.get("/healthz");
    assertThat(healthz.statusCode()).isEqualTo(200);
    assertThat(healthz.body()).isEqualTo("ok\n");
  }

  @Test
  void unknownPathsAre404AndOtherMethodsAre405() throws Exception {
    agent.tick();
    for (String path :
        List.of("/index.html", "/nope", "/metrics/", "/api", "/api/history/x", "/METRICS")) {
      assertJsonError(agent.get(path), 404);
    }
    for (String route : ROUTES) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
        HttpResponse<String> r = agent.send(method, route);
        assertJsonError(r, 405);
        assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
      }
    }
  }

  @Test
  void unknownRepeatedAndMalformedParametersAre400OnEveryEndpoint() throws Exception {
    agent.tick();
    for (String route : ROUTES) {
      assertJsonError(agent.get(route + "?nope=1"), 400);
    }
    List<String> bad =
        List.of(
            "/api/history?series=sockwatch_sockets&series=sockwatch_sockets",
            "/api/history?series=sockwatch_sockets&window=abc",
            "/api/history?series=sockwatch_sockets&window=0",
            "/api/history?series=sockwatch_sockets&window=86401",
            "/api/history?series=sockwatch_sockets&step=-1",
            "/api/history?series=sockwatch_sockets&to=99999999999999999999",
            "/api/history?series=sockwatch_sockets&window=1.5",
            "/api/snapshot?top=0",
            "/api/snapshot?top=1001",
            "/api/snapshot?top=ten",
            "/api/snapshot?top=1&top=2",
            "/api/snapshot?sockets=maybe",
            "/api/snapshot?sockets=true&sockets=false",
            "/metrics?x",
            "/healthz?=",
            "/api/status?status=1",
            "/api/findings?open=true",
            "/api/history?" + "series=x&".repeat(Query.MAX_LENGTH / 9 + 1));
    for (String target : bad) {
      HttpResponse<String> r = agent.get(target);
      assertThat(r.statusCode()).as(target).isEqualTo(400);
      assertJsonError(r, 400);
    }
    assertJsonError(agent.get("/api/history?series=" + enc("sockwatch_no_such_series")), 404);
  }

  /**
   * The history returns exactly what the ticks recorded: one point per tick at the tick's second,
   * for a socket-table series and a node counter series.
   */
  @Test
  void historyListsSeriesAndReturnsThePointsThatWereRecorded() throws Exception {
    Map<Long, Double> listening = new LinkedHashMap<>();
    Map<Long, Double> inuse = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      WatchState s = agent.tick();
      assertThat(s.status().scans()).as("every tick scans").isEqualTo(i + 1);
      long second = s.takenAt().getEpochSecond();
      listening.put(second, (double) s.stats().orElseThrow().count(TcpState.LISTEN));
      inuse.put(second, (double) s.node().orElseThrow().sockstat("TCP", "inuse").orElseThrow());
    }

    JsonNode list = json(agent.get("/api/history"));
    assertThat(list.get("schema").asString()).isEqualTo("sockwatch.history/v1");
    List<String> keys = new ArrayList<>();
    list.get("series").forEach(k -> keys.add(k.get("key").asString()));
    String listen = SeriesNames.sockets(TcpState.LISTEN).toString();
    assertThat(keys).contains(listen, SeriesNames.TCP_INUSE);
    JsonNode listenEntry = null;
    for (JsonNode k : list.get("series")) {
      if (k.get("key").asString().equals(listen)) {
        listenEntry = k;
      }
    }
    assertThat(listenEntry.get("name").asString()).isEqualTo(SeriesNames.SOCKETS);
    assertThat(listenEntry.get("labels").get("state").asString()).isEqualTo("listen");

    assertThat(points(listen)).isEqualTo(listening);
    assertThat(points(SeriesNames.TCP_INUSE)).isEqualTo(inuse);

    JsonNode all = json(agent.get("/api/history?series=" + SeriesNames.SOCKETS + "&window=60"));
    assertThat(all.get("series")).hasSize(TcpState.values().length);
    assertThat(all.get("truncated").asBoolean()).isFalse();
  }

  private Map<Long, Double> points(String key) throws Exception {
    JsonNode r = json(agent.get("/api/history?series=" + enc(key) + "&window=30&step=1"));
    assertThat(r.get("step").asLong()).isEqualTo(1);
    assertThat(r.get("series")).hasSize(1);
    JsonNode s = r.get("series").get(0);
    assertThat(s.get("key").asString()).isEqualTo(key);
    assertThat(s.get("resolution").asLong()).isEqualTo(1);
    Map<Long, Double> out = new LinkedHashMap<>();
    s.get("points").forEach(p -> out.put(p.get(0).asLong(), p.get(1).asDouble()));
    return out;
  }

  @Test
  void snapshotAndMetricsCountTheSameScanAlike() throws Exception {
    agent.tick();
    WatchState s = agent.tick();

    Exposition metrics = Exposition.parse(agent.get("/metrics").body());
    JsonNode snap = json(agent.get("/api/snapshot"));

    assertThat(Instant.parse(snap.get("taken_at").asString()))
        .isEqualTo(s.scan().orElseThrow().takenAt());
    JsonNode byState = snap.get("summary").get("by_state");
    double total = 0;
    for (TcpState state : TcpState.values()) {
      JsonNode n = byState.get(state.name());
      double expected = n == null ? 0 : n.asDouble();
      assertThat(metrics.value("sockwatch_sockets", "state", SeriesNames.state(state)))
          .as(state.name())
          .contains(expected);
      total += expected;
    }
    assertThat(total).isEqualTo(snap.get("summary").get("total").asDouble()).isPositive();
    assertThat(snap.get("socket_count").asDouble()).isEqualTo(total);
  }

  @Test
  void statusKeepsMemoryWithinItsCapsAndSaysSo() throws Exception {
    for (int i = 0; i < 3; i++) {
      agent.tick();
    }

    JsonNode status = json(agent.get("/api/status"));

    assertThat(status.get("ticks").asLong()).isEqualTo(3);
    assertThat(status.get("scans").asLong()).isEqualTo(3);
    JsonNode memory = status.get("memory");
    assertThat(memory.get("heap_used_bytes").asLong()).isPositive();
    assertThat(memory.get("heap_max_bytes").asLong())
        .isGreaterThanOrEqualTo(memory.get("heap_used_bytes").asLong());
    JsonNode history = memory.get("history");
    assertThat(history.get("bytes").asLong())
        .isPositive()
        .isLessThanOrEqualTo(history.get("max_bytes").asLong());
    assertThat(history.get("series").asLong())
        .isPositive()
        .isLessThanOrEqualTo(history.get("max_series").asLong());
    Exposition metrics = Exposition.parse(agent.get("/metrics").body());
    assertThat(metrics.value("sockwatch_history_bytes")).contains(history.get("bytes").asDouble());
    assertThat(metrics.value("sockwatch_history_max_bytes"))
        .contains(history.get("max_bytes").asDouble());
  }

  @Test
  void metricsOfTheLiveHostPassPromtool() throws Exception {
    agent.tick();
    agent.tick();

    HttpResponse<String> r = agent.get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    Promtool.assertPasses(r.body());
    Exposition e = Exposition.parse(r.body());
    assertThat(e.value("sockwatch_ticks_total")).contains(2.0);
    assertThat(e.value("sockwatch_scans_total")).contains(2.0);
    assertThat(e.samples("sockwatch_sockets")).hasSize(TcpState.values().length);
    assertThat(e.value("sockwatch_new_connections_per_second"))
        .as("two scans a second apart give a rate")
        .isPresent();

    HttpResponse<String> head = agent.send("HEAD", "/metrics");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }
}
