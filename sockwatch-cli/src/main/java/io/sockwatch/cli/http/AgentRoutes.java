package io.sockwatch.cli.http;

import io.sockwatch.Watch;
import io.sockwatch.cli.metrics.AgentMetrics;
import io.sockwatch.cli.web.WebSecurity;
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

  /**
   * What serve puts around the routes: the web config's TLS and users, and the Kubernetes
   * reporter's status when {@code --kubernetes} runs one ({@code /api/status} and {@code /metrics}
   * then show it).
   */
  public record Extras(WebSecurity security, Supplier<Optional<ReporterStatus>> kubernetes) {
    /** Plain HTTP, no users, no Kubernetes reporting. */
    public static final Extras NONE = new Extras(WebSecurity.NONE, Optional::empty);
  }

  /** Starts the agent's server on {@code address}: plain HTTP, no auth, no Kubernetes. */
  public static ApiServer start(
      InetSocketAddress address, Watch sampler, Clock clock, PrintWriter log) throws IOException {
    return start(address, sampler, clock, log, Extras.NONE);
  }

  /** Starts the agent's server, every route, on {@code address} with {@code extras}. */
  public static ApiServer start(
      InetSocketAddress address, Watch sampler, Clock clock, PrintWriter log, Extras extras)
      throws IOException {
    WebSecurity security = extras.security();
    StatusEndpoints status = new StatusEndpoints(sampler, clock, extras.kubernetes());
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
            .add("/metrics", metrics(sampler, extras))
            .add("/api/status", status::status)
            .add("/api/findings", new FindingsEndpoint(sampler))
            .add("/api/snapshot", new SnapshotEndpoint(sampler))
            .add("/api/history", new HistoryEndpoint(sampler, clock));
    return ApiServer.start(address, routes, log, security, "");
  }

  /**
   * Starts the exposed server of {@code --metrics-listen}: {@code /metrics} and {@code /healthz}
   * only, so that the address a DaemonSet opens on the node's network shows no API and no
   * dashboard; every other path is 404 (after authentication, when the web config asks for it).
   */
  public static ApiServer startMetricsOnly(
      InetSocketAddress address, Watch sampler, Clock clock, PrintWriter log, Extras extras)
      throws IOException {
    StatusEndpoints status = new StatusEndpoints(sampler, clock, extras.kubernetes());
    ApiServer.Routes routes =
        new ApiServer.Routes()
            .add("/healthz", status::healthz)
            .add("/metrics", metrics(sampler, extras));
    return ApiServer.start(
        address,
        routes,
        log,
        extras.security(),
        "; this address serves only /metrics and /healthz (the API is on serve's --listen)");
  }

  private static MetricsEndpoint metrics(Watch sampler, Extras extras) {
    return new MetricsEndpoint(
        sampler,
        new AgentMetrics(Watch.detectorIds()),
        extras.security().auth(),
        extras.kubernetes());
  }
}
