package io.sockwatch.cli.output;

import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Text output of {@code sockwatch plan}: one line stating the design, one table row per interval
 * (the shape of the tables such designs are usually published with), then the port-exhaustion
 * limit, which does not depend on the interval.
 */
public final class PlanTextWriter {

  private static final String ROW = "%-9s %8s %10s %7s %7s %9s %7s %11s %10s%n";

  private final PrintWriter out;

  public PlanTextWriter(PrintWriter out) {
    this.out = out;
  }

  public void write(List<CapacityForecast> rows, boolean rangeFromNode) {
    PollingPlan p = rows.getFirst().plan();
    out.printf(
        Locale.ROOT,
        "%d nodes, each polls %d peer%s over %s; %s; ports %d-%d (%d, %s)%n",
        p.nodes(),
        p.destinations(),
        p.destinations() == 1 ? "" : "s",
        p.reuse() ? "one persistent connection each" : "a fresh connection per probe",
        p.reuse()
            ? "no TIME_WAIT churn"
            : (p.closer() == PollingPlan.Closer.CLIENT ? "client" : "server")
                + " closes first, TIME_WAIT "
                + duration(p.timeWaitSeconds()),
        p.portRange().low(),
        p.portRange().high(),
        p.portRange().size(),
        rangeFromNode ? "this node's ip_local_port_range" : "--port-range");
    out.println("Per node, steady state:");
    out.printf(
        Locale.ROOT,
        ROW,
        "INTERVAL",
        "SOCKETS",
        "TIME-WAIT",
        "ESTAB",
        "LISTEN",
        "POLLER",
        "NEW/S",
        "PORTS/DEST",
        "HEADROOM");
    for (CapacityForecast f : rows) {
      out.printf(
          Locale.ROOT,
          ROW,
          duration(f.plan().intervalSeconds()),
          count(f.totalSockets()),
          count(f.timeWait()),
          count(f.established()),
          f.listeners(),
          count(f.pollerSockets()),
          count(f.newConnectionsPerSecond()),
          count(f.portsPerDestination()),
          String.format(Locale.ROOT, "%.1f%%", 100 * (1 - f.portUtilization())));
    }
    out.println(
        "SOCKETS counts both ends of the node's connections and its listener; POLLER only the"
            + " poller's own sockets and the listener.");
    CapacityForecast first = rows.getFirst();
    if (first.intervalAtExhaustionSeconds().isEmpty()) {
      out.println(
          "Persistent connections hold one port per peer: no interval exhausts the port range.");
    } else {
      out.printf(
          Locale.ROOT,
          "Ports to one peer run out below an interval of %s; with net.ipv4.tcp_tw_reuse=1 below"
              + " %s.%n",
          duration(first.intervalAtExhaustionSeconds().getAsDouble()),
          duration(first.intervalAtExhaustionWithTwReuseSeconds().getAsDouble()));
    }
    out.flush();
  }

  /** Whole numbers as such, small fractional expectations with one decimal. */
  private static String count(double v) {
    return v == Math.rint(v) || v >= 100
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  static String duration(double seconds) {
    if (seconds == 0) {
      return "0s";
    }
    if (seconds >= 1) {
      return trim(seconds) + "s";
    }
    if (seconds >= 0.001) {
      return trim(seconds * 1e3) + "ms";
    }
    return trim(seconds * 1e6) + "us";
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
