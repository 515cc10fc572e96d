package io.sockwatch.cli.http;

import io.sockwatch.NodeReader;
import io.sockwatch.ReadSettings;
import io.sockwatch.Watch;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.model.watch.WatchState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real agent in this JVM: a {@link Sampler} reading the live kernel (this JVM's network
 * namespace), served by {@link AgentRoutes} on an ephemeral loopback port, and a real HTTP client.
 * Ticks are the test's to make, each one second after the last on the agent's clock, so history
 * points land on known seconds and nothing depends on a timer. The scan budget is a whole core so
 * every tick scans.
 */
final class LiveAgent implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SteppingClock clock;
  private final NodeReader reader;
  private final Watch sampler;
  private final ApiServer server;
  private final StringWriter log = new StringWriter();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private LiveAgent() throws IOException {
    clock = new SteppingClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    WatchConfig config =
        new WatchConfig(1, 1.0, 20, 300, 1, 30, WatchConfig.AGENT_HISTORY, DoctorConfig.DEFAULTS);
    reader = NodeReader.open(ReadSettings.live(NetnsChoice.SELF));
    sampler = Watch.builder(reader, config).clock(clock, clock::nanos).build();
    server =
        AgentRoutes.start(
            new InetSocketAddress("127.0.0.1", 0), sampler, clock, new PrintWriter(log, true));
  }

  static LiveAgent start() throws IOException {
    return new LiveAgent();
  }

  /** One tick, a second after the previous one. */
  WatchState tick() {
    clock.advance(Duration.ofSeconds(1));
    return sampler.tick();
  }

  Watch sampler() {
    return sampler;
  }

  int port() {
    return server.address().getPort();
  }

  /** What the server logged (one line per request that failed with a 500). */
  String log() {
    return log.toString();
  }

  HttpResponse<String> get(String target) throws IOException, InterruptedException {
    return send("GET", target);
  }

  /** {@code method target}, where target is the raw (already encoded) path and query. */
  HttpResponse<String> send(String method, String target) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + target))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    server.close();
    http.close();
    reader.close();
  }

  /** A clock that moves only when told. */
  static final class SteppingClock extends Clock {
    private volatile Instant now;

    SteppingClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    /** Monotonic nanoseconds on this clock, for the scan budget. */
    long nanos() {
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
