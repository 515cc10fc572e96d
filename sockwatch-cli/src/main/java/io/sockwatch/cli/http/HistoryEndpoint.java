package io.sockwatch.cli.http;

import com.sun.net.httpserver.HttpExchange;
import io.sockwatch.Watch;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/history}: without {@code series}, the list of series held; with it, their points.
 *
 * <p>{@code series} is either one series exactly as listed ({@code
 * sockwatch_sockets{state="time_wait"}}) or a bare metric name, which selects every series of that
 * name (at most {@value #MAX_SERIES}, those with the largest latest value first: the top processes
 * or destinations). {@code window} is how many seconds back from {@code to} (default now), {@code
 * step} the seconds per point (default: about {@value #TARGET_POINTS} points over the window).
 */
final class HistoryEndpoint implements Endpoint {

  static final String SCHEMA = "sockwatch.history/v1";
  static final int MAX_SERIES = 50;
  static final int TARGET_POINTS = 600;
  static final long MAX_WINDOW = 86_400;

  private final Watch sampler;
  private final Clock clock;

  HistoryEndpoint(Watch sampler, Clock clock) {
    this.sampler = sampler;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Query q = Query.parse(ex.getRequestURI(), Set.of("series", "window", "step", "to"));
    List<SeriesKey> keys = new ArrayList<>(sampler.seriesKeys());
    keys.sort(Comparator.comparing(SeriesKey::toString));
    if (q.get("series").isEmpty()) {
      Responses.json(
          ex,
          w -> {
            w.beginObject().field("schema", SCHEMA).name("series").beginArray();
            keys.forEach(k -> writeKey(w, k));
            w.endArray().endObject();
          });
      return;
    }
    String selector = q.get("series").get().trim();
    long now = clock.instant().getEpochSecond();
    long to = q.number("to", now, 0, HistoryConfig.MAX_EPOCH_SECOND);
    long window = q.number("window", 600, 1, MAX_WINDOW);
    long step = q.number("step", Math.max(1, window / TARGET_POINTS), 1, MAX_WINDOW);
    long from = Math.max(0, to - window);
    List<SeriesKey> chosen = select(keys, selector);
    if (chosen.isEmpty()) {
      throw HttpProblem.notFound("no series '" + selector + "'; GET /api/history lists them");
    }
    List<Map.Entry<SeriesKey, Range>> ranges = new ArrayList<>();
    for (SeriesKey k : chosen) {
      ranges.add(Map.entry(k, sampler.history(k, from, to, step)));
    }
    boolean bare = !selector.contains("{");
    if (bare) {
      ranges.sort(
          Comparator.comparingDouble((Map.Entry<SeriesKey, Range> e) -> -latest(e.getValue()))
              .thenComparing(e -> e.getKey().toString()));
    }
    boolean truncated = ranges.size() > MAX_SERIES;
    List<Map.Entry<SeriesKey, Range>> shown =
        ranges.subList(0, Math.min(MAX_SERIES, ranges.size()));
    Responses.json(
        ex,
        w -> {
          w.beginObject();
          w.field("schema", SCHEMA);
          w.field("from", from).field("to", to).field("step", step);
          w.field("truncated", truncated);
          w.name("series").beginArray();
          for (Map.Entry<SeriesKey, Range> e : shown) {
            writeRange(w, e.getKey(), e.getValue());
          }
          w.endArray();
          w.endObject();
        });
  }

  private static List<SeriesKey> select(List<SeriesKey> keys, String selector) {
    List<SeriesKey> out = new ArrayList<>();
    boolean bare = !selector.contains("{");
    for (SeriesKey k : keys) {
      if (bare ? k.name().equals(selector) : k.toString().equals(selector)) {
        out.add(k);
      }
    }
    return out;
  }

  private static double latest(Range r) {
    return r.size() == 0 ? Double.NEGATIVE_INFINITY : r.last()[r.size() - 1];
  }

  private static void writeKey(JsonWriter w, SeriesKey k) {
    w.beginObject().field("key", k.toString()).field("name", k.name());
    w.name("labels").beginObject();
    k.labels().forEach(w::field);
    w.endObject().endObject();
  }

  private static void writeRange(JsonWriter w, SeriesKey k, Range r) {
    w.beginObject().field("key", k.toString()).field("name", k.name());
    w.name("labels").beginObject();
    k.labels().forEach(w::field);
    w.endObject();
    w.field("resolution", r.resolutionSeconds());
    w.name("points").beginArray();
    for (int i = 0; i < r.size(); i++) {
      w.beginArray().value(r.timestamps()[i]).value(r.values()[i]).endArray();
    }
    w.endArray();
    w.endObject();
  }
}
