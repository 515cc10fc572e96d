package io.sockwatch.cli.output;

import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.ListenerActivity;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A window of connection activity as JSON, the same object in {@code snapshot --events}, {@code
 * doctor} and {@code serve}'s status: flows per process and destination, listeners, totals and the
 * coverage against the kernel's counters.
 */
public final class ActivityJson {

  private ActivityJson() {}

  /** The totals alone (doctor's {@code connection_events}): no flows, no listeners. */
  public static void writeSummary(JsonWriter w, ConnectionActivity a) {
    w.beginObject();
    totals(w, a);
    w.endObject();
  }

  /** One sentence: what ended, and how much of the kernel's count that is. */
  public static String sentence(ConnectionActivity a) {
    String s =
        String.format(
            Locale.ROOT,
            "%d outbound and %d inbound connections ended in %.1f s",
            a.connects(),
            a.accepts(),
            a.seconds());
    if (a.coverage().isPresent()) {
      s +=
          String.format(
              Locale.ROOT,
              "; %.1f%% of the %d active opens the kernel counted",
              100 * a.coverage().getAsDouble(),
              a.kernelActiveOpens().getAsLong());
    }
    return a.droppedFlows() > 0 ? s + "; " + a.droppedFlows() + " lost to bounds" : s;
  }

  private static void totals(JsonWriter w, ConnectionActivity a) {
    w.name("seconds").value(a.seconds());
    w.field("connects", a.connects());
    w.field("accepts", a.accepts());
    optional(w, "kernel_active_opens", a.kernelActiveOpens());
    optional(w, "kernel_passive_opens", a.kernelPassiveOpens());
    optional(w, "coverage", a.coverage());
    w.field("dropped", a.droppedFlows());
  }

  public static void write(JsonWriter w, ConnectionActivity a) {
    w.beginObject();
    totals(w, a);
    w.name("flows").beginArray();
    for (ConnectionFlow f : a.flows()) {
      w.beginObject();
      w.field("pid", f.pid());
      w.field("comm", f.comm());
      w.field("container", f.container());
      w.field("destination", f.destination().toString());
      w.field("port", f.port());
      w.field("connects", f.connects());
      w.field("established", f.established());
      w.field("refused", f.refused());
      w.field("timed_out", f.timedOut());
      w.field("other_failures", f.otherFailures());
      w.field("closes", f.closes());
      optional(w, "interval_seconds", f.intervalSeconds());
      optional(w, "lifetime_p50_seconds", f.lifetimeP50Seconds());
      optional(w, "lifetime_p99_seconds", f.lifetimeP99Seconds());
      w.endObject();
    }
    w.endArray();
    w.name("listeners").beginArray();
    for (ListenerActivity l : a.listeners()) {
      w.beginObject();
      w.field("port", l.port());
      w.field("accepts", l.accepts());
      w.field("closes", l.closes());
      optional(w, "lifetime_p50_seconds", l.lifetimeP50Seconds());
      optional(w, "lifetime_p99_seconds", l.lifetimeP99Seconds());
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }

  private static void optional(JsonWriter w, String name, OptionalLong v) {
    if (v.isPresent()) {
      w.field(name, v.getAsLong());
    }
  }

  private static void optional(JsonWriter w, String name, OptionalDouble v) {
    if (v.isPresent()) {
      w.name(name).value(v.getAsDouble());
    }
  }
}
