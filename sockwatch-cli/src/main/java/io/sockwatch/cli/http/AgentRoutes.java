package io.sockwatch.cli.http;

import io.sockwatch.Watch;
import io.sockwatch.cli.metrics.AgentMetrics;
import io.sockwatch.k8s.ReporterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** Every route of {@code sockwatch serve}, in one place. */
public final class AgentRoutes {

  /** The dashboard's own files (under src/main/resources). */
  private static final String DASHBOARD = "io/sockwatch/cli/http/dashboard/";

  /** uPlot from its webjar; the version is the pom's. */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private AgentRoutes() {}

  /** Starts the agent's server on {@code address}, without Kubernetes reporting. */
  public static ApiServer start(
      InetSocketAddress address, Watch sampler, Clock clock, PrintWriter log) throws IOException {
    return start(address, sampler, clock, log, Optional::empty);
  }

  /**
   * Starts the agent's server on {@code address}; {@code kubernetes} gives the Kubernetes
   * reporter's status when {@code --kubernetes} runs one ({@code /api/status} and {@code /metrics}
   * then show it).
   */
  public static ApiServer start(
      InetSocketAddress address,
      Watch sampler,
      Clock clock,
      PrintWriter log,
      Supplier<Optional<ReporterStatus>> kubernetes)
      throws IOException {
    StatusEndpoints status = new StatusEndpoints(sampler, clock, kubernetes);
    ApiServer.Routes routes =
        new ApiServer.Routes()
            .add("/", StaticEndpoint.resource(DASHBOARD + "index.html", StaticEndpoint.HTML))
            .add(
                "/ui/dashboard.js",
                StaticEndpoint.resource(DASHBOARD + "dashboard.js", StaticEndpoint.JAVASCRIPT))
            .add(
                "/ui/dashboard.css",
                StaticEndpoint.resource(DASHBOARD + "dashboard.css", StaticEndpoint.CSS))
            .add(
                "/ui/uPlot.iife.min.js",
                StaticEndpoint.resource(UPLOT + "uPlot.iife.min.js", StaticEndpoint.JAVASCRIPT))
            .add(
                "/ui/uPlot.min.css",
                StaticEndpoint.resource(UPLOT + "uPlot.min.css", StaticEndpoint.CSS))
            .add("/healthz", status::healthz)
            .add(
                "/metrics",
                new MetricsEndpoint(sampler, new AgentMetrics(Watch.detectorIds()), kubernetes))
            .add("/api/status", status::status)
            .add("/api/findings", new FindingsEndpoint(sampler))
            .add("/api/snapshot", new SnapshotEndpoint(sampler))
            .add("/api/history", new HistoryEndpoint(sampler, clock));
    return ApiServer.start(address, routes, log);
  }
}
