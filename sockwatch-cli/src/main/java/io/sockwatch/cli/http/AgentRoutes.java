package io.sockwatch.cli.http;

import io.sockwatch.watch.Sampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;

/** Every route of {@code sockwatch serve}, in one place. */
public final class AgentRoutes {

  private AgentRoutes() {}

  /** Starts the agent's server on {@code address}. */
  public static ApiServer start(
      InetSocketAddress address, Sampler sampler, Clock clock, PrintWriter log) throws IOException {
    StatusEndpoints status = new StatusEndpoints(sampler, clock);
    ApiServer.Routes routes =
        new ApiServer.Routes()
            .add("/healthz", status::healthz)
            .add("/api/status", status::status)
            .add("/api/findings", new FindingsEndpoint(sampler))
            .add("/api/snapshot", new SnapshotEndpoint(sampler))
            .add("/api/history", new HistoryEndpoint(sampler, clock));
    return ApiServer.start(address, routes, log);
  }
}
