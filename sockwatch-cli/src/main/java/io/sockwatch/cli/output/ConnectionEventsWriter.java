package io.sockwatch.cli.output;

import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.ListenerActivity;
import io.sockwatch.model.snapshot.SocketFilter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connection events of {@code snapshot --events}: one line per ended connection as it ends
 * (like {@code tcplife}), then the totals per process and destination and per listener, and the
 * coverage against the kernel's own counters; or all of it as one JSON document.
 */
public final class ConnectionEventsWriter {

  private static final String LINE = "%-8s %-7s %-15s %-14s %-8s %-22s %-22s %9s  %s%n";

  private final PrintWriter out;
  private final long startNanos;

  public ConnectionEventsWriter(PrintWriter out, long startNanos) {
    this.out = out;
    this.startNanos = startNanos;
  }

  public void header() {
    out.printf(
        LINE,
        "TIME(s)",
        "PID",
        "COMM",
        "CONTAINER",
        "DIR",
        "LOCAL",
        "REMOTE",
        "LIFETIME",
        "OUTCOME");
    out.flush();
  }

  public void line(ConnectionEvent e) {
    out.printf(
        Locale.ROOT,
        LINE,
        String.format(Locale.ROOT, "%.3f", Math.max(0, e.endNanos() - startNanos) / 1e9),
        e.pid() == 0 ? "-" : Integer.toString(e.pid()),
        e.comm().isEmpty() ? "-" : e.comm(),
        e.container().isEmpty() ? "-" : e.container(),
        direction(e.direction()),
        e.local() + ":" + e.localPort(),
        e.remote() + ":" + e.remotePort(),
        e.lifetimeSeconds().isPresent()
            ? String.format(Locale.ROOT, "%.3fs", e.lifetimeSeconds().getAsDouble())
            : "?",
        outcome(e.outcome()));
    out.flush();
  }

  /** The totals after the listing. */
  public void totals(
      ConnectionActivity a, SocketFilter filter, long lost, Map<Integer, String> listenerOwners) {
    out.println();
    out.printf(Locale.ROOT, "Connects per process and destination over %.1f s:%n", a.seconds());
    out.printf(
        "%-7s %-15s %-22s %8s %9s %8s %8s %8s %9s%n",
        "PID",
        "COMM",
        "DESTINATION",
        "CONNECTS",
        "PER_S",
        "REFUSED",
        "TIMEOUT",
        "OTHER",
        "P50_LIFE");
    int shown = 0;
    for (ConnectionFlow f : a.flows()) {
      if (!filter.pids().isEmpty() && !filter.pids().contains(f.pid())
          || !filter.comms().isEmpty() && !filter.comms().contains(f.comm())
          || filter.destinationPorts().map(r -> !r.contains(f.port())).orElse(false)
          || filter.destination().map(m -> !m.matches(f.destination())).orElse(false)) {
        continue;
      }
      if (shown++ >= 20) {
        out.printf("... and %d more flows%n", a.flows().size() - 20);
        break;
      }
      out.printf(
          Locale.ROOT,
          "%-7d %-15s %-22s %8d %9.2f %8d %8d %8d %9s%n",
          f.pid(),
          f.comm(),
          f.destination() + ":" + f.port(),
          f.connects(),
          a.seconds() > 0 ? f.connects() / a.seconds() : 0.0,
          f.refused(),
          f.timedOut(),
          f.otherFailures(),
          f.lifetimeP50Seconds().isPresent()
              ? String.format(Locale.ROOT, "%.3fs", f.lifetimeP50Seconds().getAsDouble())
              : "-");
    }
    if (!a.listeners().isEmpty()) {
      out.println();
      out.println("Accepted per listening port:");
      int n = 0;
      for (ListenerActivity l : a.listeners()) {
        if (n++ >= 10) {
          break;
        }
        out.printf(
            Locale.ROOT,
            "  port %-6d %8d accepted  by %s%n",
            l.port(),
            l.accepts(),
            listenerOwners.getOrDefault(l.port(), "-"));
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "Seen: %d connects, %d accepts%s; %d events lost%n",
        a.connects(),
        a.accepts(),
        coverage(a),
        lost);
  }

  private static String coverage(ConnectionActivity a) {
    if (a.kernelActiveOpens().isEmpty()) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        " (the kernel counted %d active and %d passive opens in this namespace%s)",
        a.kernelActiveOpens().getAsLong(),
        a.kernelPassiveOpens().orElse(0),
        a.coverage().isPresent()
            ? String.format(Locale.ROOT, ": coverage %.1f%%", 100 * a.coverage().getAsDouble())
            : "");
  }

  public static void json(
      JsonWriter w,
      double seconds,
      List<ConnectionEvent> connections,
      long unlisted,
      ConnectionActivity a,
      Map<Integer, String> listenerOwners,
      long lost) {
    w.beginObject();
    w.name("seconds").value(seconds);
    w.name("connections").beginArray();
    for (ConnectionEvent e : connections) {
      w.beginObject();
      w.field("end_ns", e.endNanos());
      w.field("direction", e.direction().name().toLowerCase(Locale.ROOT));
      w.field("pid", e.pid());
      w.field("comm", e.comm());
      w.field("container", e.container());
      w.field("local", e.local().toString());
      w.field("local_port", e.localPort());
      w.field("remote", e.remote().toString());
      w.field("remote_port", e.remotePort());
      if (e.lifetimeSeconds().isPresent()) {
        w.name("lifetime_seconds").value(e.lifetimeSeconds().getAsDouble());
      }
      w.field("outcome", outcome(e.outcome()));
      w.endObject();
    }
    w.endArray();
    w.field("connections_not_listed", unlisted);
    ActivityJson.write(w.name("activity"), a);
    w.name("listener_owners").beginObject();
    listenerOwners.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> w.field(Integer.toString(e.getKey()), e.getValue()));
    w.endObject();
    w.field("events_lost", lost);
    w.endObject();
  }

  private static String direction(ConnectionEvent.Direction d) {
    return switch (d) {
      case OUTBOUND -> "out";
      case INBOUND -> "in";
      case UNKNOWN -> "?";
    };
  }

  static String outcome(ConnectionEvent.Outcome o) {
    return o.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
