package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.output.SnapshotJsonWriter;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.Summary;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/snapshot}: the latest scan in the {@code sockwatch snapshot -o json} schema
 * (docs/snapshot-json.md): summary, node counters and what could not be read. {@code sockets=true}
 * adds the per-socket listing; {@code top=N} sizes the summary's top lists.
 */
final class SnapshotEndpoint implements Endpoint {

  private final Watch sampler;

  SnapshotEndpoint(Watch sampler) {
    this.sampler = sampler;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Query q = Query.parse(ex.getRequestURI(), Set.of("sockets", "top"));
    boolean sockets =
        switch (q.get("sockets").orElse("false")) {
          case "true", "1" -> true;
          case "false", "0" -> false;
          default -> throw HttpProblem.badRequest("parameter 'sockets' is true or false");
        };
    int top = (int) q.number("top", 20, 1, 1000);
    Snapshot snap =
        sampler
            .state()
            .flatMap(s -> s.scan())
            .orElseThrow(() -> new HttpProblem(503, "no socket-table scan yet; try again"));
    Summary summary = Summary.of(snap, top);
    // First-seen seconds for the listing, looked up in one pass under the sampler's lock.
    Map<Long, Long> seen = sockets ? sampler.firstSeen(snap.sockets()) : Map.of();
    Responses.json(
        ex,
        w ->
            SnapshotJsonWriter.write(
                w, snap, summary, sockets, s -> seen.getOrDefault(s.cookie(), -1L)));
  }
}
