package io.sockwatch.cli.output;

import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes a doctor report for people. The first line is the verdict (node-problem-detector shows it
 * as the condition message); then one block per finding, most severe first.
 */
public final class DoctorTextWriter {

  private final PrintWriter out;

  public DoctorTextWriter(PrintWriter out) {
    this.out = out;
  }

  public void write(DoctorReport report) {
    write(report, Optional.empty());
  }

  /** The report, then what the kernel's connection events saw over the sampling interval. */
  public void write(DoctorReport report, Optional<ConnectionActivity> activity) {
    out.println(report.headline());
    for (Finding f : report.findings()) {
      out.println();
      out.printf(Locale.ROOT, "%-8s  %s%n", f.severity(), f.title());
      out.println("  who:      " + f.subject().describe());
      StringBuilder ev = new StringBuilder();
      for (Evidence e : f.evidence()) {
        ev.append(ev.isEmpty() ? "" : "; ").append(e.name()).append(' ').append(e.formatted());
      }
      if (!ev.isEmpty()) {
        out.println("  evidence: " + ev);
      }
      f.headroom().ifPresent(h -> out.println("  headroom: " + headroom(h)));
      out.println("  fix:      " + f.remediation());
      out.println("  docs:     " + f.docPath());
    }
    activity.ifPresent(
        a -> {
          out.println();
          out.println("Connection events: " + ActivityJson.sentence(a));
        });
    if (!report.unavailable().isEmpty()) {
      out.println();
      out.println("Unavailable:");
      for (Unavailable u : report.unavailable()) {
        out.println("  " + u.item() + ": " + u.reason());
      }
    }
  }

  static String headroom(Headroom h) {
    String s =
        String.format(
            Locale.ROOT,
            "%s: %s of %s %s used (%.0f%%), %s left",
            h.resource(),
            num(h.used()),
            num(h.limit()),
            h.unit(),
            100 * h.fraction(),
            num(h.remaining()));
    if (h.secondsToLimit().isPresent()) {
      s += ", reached in ~" + duration(h.secondsToLimit().getAsDouble()) + " at the current rate";
    }
    return s;
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String duration(double seconds) {
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
