package io.sockwatch.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The events benchmark's printed lines (pure). */
final class EventsReport {
  private EventsReport() {}

  static String roundLine(int round, EventsRound r) {
    String line =
        String.format(
            Locale.ROOT,
            "round %d %-3s %,9.0f conn/s  CPU/conn (this process) %,7.0f ns;"
                + " cores busy: this process %.2f, the rest of the machine %.2f",
            round,
            r.traced() ? "on" : "off",
            r.rate(),
            r.processNanosPerConnect(),
            r.cpu().processNanos() / 1e9 / r.seconds(),
            (r.cpu().machineNanos() - r.cpu().processNanos()) / 1e9 / r.seconds());
    if (r.failures() > 0) {
      line += String.format(Locale.ROOT, "  failed connects %,d", r.failures());
    }
    if (r.traced()) {
      line +=
          String.format(
              Locale.ROOT,
              "  seen %,d of %,d (%.2f%%), closes %,d, lost %,d, dropped flows %,d, maps %s",
              r.seen(),
              r.connects(),
              r.coverage(),
              r.ended(),
              r.lost(),
              r.droppedFlows(),
              mib(r.mapBytes()));
    }
    return line;
  }

  static List<String> summary(EventsSummary s) {
    List<String> out = new ArrayList<>();
    out.add(spread("connections/s without tracer", s.rateOff(), "%,.0f"));
    out.add(spread("connections/s with tracer   ", s.rateOn(), "%,.0f"));
    out.add(
        String.format(
            Locale.ROOT,
            "throughput with/without: %.3f (loss %.1f%%); wall time per connection %+,.0f ns"
                + " (1/rate with - 1/rate without)",
            s.ratio(),
            s.lossPercent(),
            s.wallNanosPerConnect()));
    out.add(
        String.format(
            Locale.ROOT,
            "CPU per connection, this process (loop, listener, tracer's reader): %,.0f ns"
                + " without, %,.0f ns with (%+,.0f ns)",
            s.processCpuOff().median(),
            s.processCpuOn().median(),
            s.processCpuOn().median() - s.processCpuOff().median()));
    out.add(
        spread("coverage (drain's connects / the loop's)", s.coverage(), "%.2f%%")
            + String.format(
                Locale.ROOT,
                "; events lost %,d; dropped flows %,d; tracer maps %s",
                s.lost(),
                s.droppedFlows(),
                mib(s.maxMapBytes())));
    if (s.failures() > 0) {
      out.add(String.format(Locale.ROOT, "failed connects in all rounds: %,d", s.failures()));
    }
    return out;
  }

  static String inKernel(long connects, BpfProgramStats runs) {
    return String.format(
        Locale.ROOT,
        "in-kernel cost (one more traced round, kernel.bpf_stats_enabled on for it only): the"
            + " tracer's programs ran %,d times for %,d connections (%.1f per connection), %,.0f ns"
            + " per run, %,.0f ns per connection",
        runs.runs(),
        connects,
        (double) runs.runs() / connects,
        runs.runs() == 0 ? 0.0 : (double) runs.nanos() / runs.runs(),
        (double) runs.nanos() / connects);
  }

  private static String spread(String name, EventsSummary.Spread s, String format) {
    return String.format(
        Locale.ROOT,
        "%s: median " + format + " (min " + format + ", max " + format + ")",
        name,
        s.median(),
        s.min(),
        s.max());
  }

  static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
