package io.sockwatch.cli.output;

import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.PathProblem;
import io.sockwatch.model.probe.ProbeReport;
import io.sockwatch.model.probe.TryOutcome;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** {@code probe-idle --output json}: schema {@code sockwatch.probe-idle/v1}, see docs. */
public final class ProbeJsonWriter {

  public static final String SCHEMA = "sockwatch.probe-idle/v1";

  private final JsonWriter w;

  public ProbeJsonWriter(JsonWriter w) {
    this.w = w;
  }

  public void write(ProbeReport r, Optional<Path> saved) {
    IdleBracket b = r.bracket();
    w.beginObject().field("schema", SCHEMA).field("target", r.target());
    w.name("result").beginObject().field("found", b.found());
    w.name("survivedSeconds").value(b.lo());
    number("diedSeconds", b.found() ? b.hi() : Double.NaN);
    number("estimateSeconds", b.estimate().orElse(Double.NaN));
    number("relativeError", b.found() && b.lo() > 0 ? b.relativeError() : Double.NaN);
    w.field("precise", r.precise()).field("cutShortByDeadline", r.cutShort()).endObject();
    w.name("elapsedSeconds").value(r.elapsedSeconds());
    w.field("connections", r.connections());
    w.name("handshakeMillis").value(r.handshakeMillis());
    w.name("firstEchoMillis").value(r.firstEchoMillis());
    w.name("tries").beginArray();
    for (ProbeReport.Try t : r.tries()) {
      w.beginObject();
      w.name("idleSeconds").value(t.idleSeconds());
      outcome(t.outcome());
      w.name("atSeconds").value(t.atSeconds());
      w.endObject();
    }
    w.endArray();
    w.name("keepalive");
    if (r.keepalive().isEmpty()) {
      w.nullValue();
    } else {
      ProbeReport.KeepaliveCheck k = r.keepalive().get();
      w.beginObject().field("keepaliveIdleSeconds", k.keepaliveIdleSeconds());
      w.field("checked", k.outcome().isPresent());
      if (k.outcome().isPresent()) {
        w.name("idleSeconds").value(k.idleSeconds());
        outcome(k.outcome().get());
      } else {
        w.field("note", k.note());
      }
      w.endObject();
    }
    w.name("savedTo");
    if (saved.isPresent()) {
      w.value(saved.get().toString());
    } else {
      w.nullValue();
    }
    w.endObject();
    w.flush();
  }

  /** The error object printed instead of a result when the path cannot be probed. */
  public void writeProblem(InetSocketAddress target, PathProblem p) {
    w.beginObject().field("schema", SCHEMA).field("target", Endpoints.format(target));
    w.name("error")
        .beginObject()
        .field("kind", p.kind().name().toLowerCase(Locale.ROOT))
        .field("message", p.getMessage())
        .endObject();
    w.endObject();
    w.flush();
  }

  private void outcome(TryOutcome o) {
    w.field("survived", o.survived()).field("how", o.how()).field("detail", o.detail());
  }

  private void number(String name, double v) {
    w.name(name);
    if (Double.isNaN(v)) {
      w.nullValue();
    } else {
      w.value(v);
    }
  }
}
