package io.sockwatch.cli.output;

import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Placement;
import java.util.Optional;

/** Writes a doctor report as JSON, schema {@value #SCHEMA} (docs/doctor-json.md). */
public final class DoctorJsonWriter {

  public static final String SCHEMA = "sockwatch.doctor/v1";

  private DoctorJsonWriter() {}

  public static void write(JsonWriter w, DoctorReport r) {
    write(w, r, Optional.empty());
  }

  /** The report with what the kernel's connection events saw over the sampling interval. */
  public static void write(JsonWriter w, DoctorReport r, Optional<ConnectionActivity> activity) {
    w.beginObject();
    w.field("schema", SCHEMA);
    w.field("verdict", r.verdict().name());
    w.field("exit_code", r.verdict().exitCode());
    w.field("headline", r.headline());
    w.field("socket_count", r.socketCount());
    w.field("detector_count", r.detectorCount());
    w.name("findings").beginArray();
    for (Finding f : r.findings()) {
      w.beginObject();
      writeFindingFields(w, f);
      w.endObject();
    }
    w.endArray();
    w.name("unavailable").beginArray();
    for (Unavailable u : r.unavailable()) {
      w.beginObject().field("item", u.item()).field("reason", u.reason()).endObject();
    }
    w.endArray();
    if (activity.isPresent()) {
      ActivityJson.writeSummary(w.name("connection_events"), activity.get());
    }
    w.endObject();
  }

  /**
   * The fields of one finding, inside an object the caller opened, so that the agent can add its
   * first-seen and last-seen times to the same object.
   */
  public static void writeFindingFields(JsonWriter w, Finding f) {
    w.field("id", f.id());
    w.field("detector", f.detector());
    w.field("severity", f.severity().name());
    w.field("title", f.title());
    w.name("subject").beginObject();
    w.name("processes").beginArray();
    f.subject().processes().forEach(w::value);
    w.endArray();
    w.field("destination", f.subject().destination());
    w.field("local", f.subject().local());
    w.field("scope", f.subject().scope());
    Placement p = f.subject().placement();
    if (!p.netns().isEmpty()) {
      w.field("netns", p.netns());
      w.field("netns_inode", p.netnsInode());
    }
    if (!p.containers().isEmpty()) {
      w.name("containers").beginArray();
      p.containers().forEach(w::value);
      w.endArray();
    }
    w.endObject();
    w.name("evidence").beginArray();
    for (Evidence e : f.evidence()) {
      w.beginObject()
          .field("key", e.key())
          .field("name", e.name())
          .name("value")
          .value(e.value())
          .field("unit", e.unit());
      if (!e.member().isEmpty()) {
        w.field("member", e.member());
      }
      w.endObject();
    }
    w.endArray();
    f.headroom()
        .ifPresent(
            h -> {
              w.name("headroom").beginObject();
              w.field("resource", h.resource());
              w.name("used").value(h.used());
              w.name("limit").value(h.limit());
              w.field("unit", h.unit());
              if (h.secondsToLimit().isPresent()) {
                w.name("seconds_to_limit").value(h.secondsToLimit().getAsDouble());
              }
              w.endObject();
            });
    w.field("remediation", f.remediation());
    w.field("docs", f.docPath());
  }
}
