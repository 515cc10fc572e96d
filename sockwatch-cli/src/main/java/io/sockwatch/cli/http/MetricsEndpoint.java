package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.metrics.AgentMetrics;
import io.sockwatch.cli.metrics.AuthMetrics;
import io.sockwatch.cli.web.BasicAuth;
import io.sockwatch.k8s.ReporterStatus;
import io.sockwatch.model.watch.WatchState;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code /metrics}: the latest tick in the Prometheus text format ({@link AgentMetrics} says what
 * and why). The body is built before the headers are sent, so a failure is still a clean JSON 500.
 */
final class MetricsEndpoint implements Endpoint {

  private final Watch sampler;
  private final AgentMetrics metrics;
  private final Optional<BasicAuth> auth;
  private final Supplier<Optional<ReporterStatus>> kubernetes;

  MetricsEndpoint(
      Watch sampler,
      AgentMetrics metrics,
      Optional<BasicAuth> auth,
      Supplier<Optional<ReporterStatus>> kubernetes) {
    this.sampler = sampler;
    this.metrics = metrics;
    this.auth = auth;
    this.kubernetes = kubernetes;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    WatchState s =
        sampler.state().orElseThrow(() -> new HttpProblem(503, "no sample yet; try again"));
    String body =
        metrics.exposition(s, kubernetes.get())
            + auth.map(a -> AuthMetrics.text(a.counts())).orElse("");
    Responses.text(ex, 200, AgentMetrics.CONTENT_TYPE, w -> w.write(body));
  }
}
