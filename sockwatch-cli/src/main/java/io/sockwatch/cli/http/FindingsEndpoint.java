package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.output.DoctorJsonWriter;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import java.io.IOException;
import java.util.Set;

/**
 * {@code /api/findings}: open findings (most severe first) and recently resolved ones, each with
 * the doctor's fields plus {@code first_seen}, {@code last_seen} and {@code resolved_at}.
 */
final class FindingsEndpoint implements Endpoint {

  static final String SCHEMA = "sockwatch.findings/v1";

  private final Watch sampler;

  FindingsEndpoint(Watch sampler) {
    this.sampler = sampler;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Query.parse(ex.getRequestURI(), Set.of());
    WatchState s =
        sampler.state().orElseThrow(() -> new HttpProblem(503, "no sample yet; try again"));
    Responses.json(
        ex,
        w -> {
          w.beginObject();
          w.field("schema", SCHEMA);
          w.field("taken_at", s.takenAt().toString());
          w.name("open").beginArray();
          s.open().forEach(t -> write(w, t));
          w.endArray();
          w.name("resolved").beginArray();
          s.resolved().forEach(t -> write(w, t));
          w.endArray();
          w.endObject();
        });
  }

  static void write(JsonWriter w, TrackedFinding t) {
    w.beginObject();
    DoctorJsonWriter.writeFindingFields(w, t.finding());
    w.field("first_seen", t.firstSeen().toString());
    w.field("last_seen", t.lastSeen().toString());
    t.resolvedAt().ifPresent(r -> w.field("resolved_at", r.toString()));
    w.endObject();
  }
}
