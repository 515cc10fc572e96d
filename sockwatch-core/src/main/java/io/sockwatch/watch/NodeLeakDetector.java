package io.sockwatch.watch;

import io.sockwatch.analysis.Configurable;
import io.sockwatch.analysis.HumanDuration;
import io.sockwatch.model.TcpMemLimits;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.watch.SeriesNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Node-wide TCP resources rising steadily toward their kernel limit: orphaned sockets toward {@code
 * net.ipv4.tcp_max_orphans} (past it the kernel resets connections as they close) and TCP memory
 * toward the {@code tcp_mem} maximum (past it allocations fail, "TCP: out of memory"). The instant
 * detectors ({@code orphans}, {@code tcp-memory}) judge how full these are; this one sees the trend
 * hours before, from the robust slope over the leak window, and says when the limit is reached.
 */
final class NodeLeakDetector implements TrendDetector, Configurable {

  static final Threshold ORPHANS_MIN_RATE =
      new Threshold(
          "node-leak.orphans-min-rate",
          10,
          "",
          "Orphaned sockets per minute the node must gain, by robust slope over the leak window.");
  static final Threshold ORPHANS_MIN_GROWTH =
      new Threshold(
          "node-leak.orphans-min-growth",
          50,
          "",
          "Orphans the last third of the leak window must be above its first third.");
  static final Threshold MEMORY_MIN_RATE =
      new Threshold(
          "node-leak.memory-min-rate",
          256,
          "",
          "TCP memory pages (4 KiB) per minute the node must gain, by robust slope over the leak"
              + " window.");
  static final Threshold MEMORY_MIN_GROWTH =
      new Threshold(
          "node-leak.memory-min-growth",
          2560,
          "",
          "TCP memory pages the last third of the leak window must be above its first third.");
  static final Threshold CRITICAL_TIME =
      new Threshold(
          "node-leak.critical-time",
          3600,
          "s",
          "Critical when the kernel limit is reached within this time at the current slope.");

  @Override
  public String id() {
    return "node-leak";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    GROWTH_PER_SECOND,
    GROWTH_PER_MINUTE,
    CURRENT,
    GAINED,
    WINDOW_SECONDS,
    SAMPLES_IN_WINDOW,
    LIMIT,
    SECONDS_TO_LIMIT
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(
        ORPHANS_MIN_RATE, ORPHANS_MIN_GROWTH, MEMORY_MIN_RATE, MEMORY_MIN_GROWTH, CRITICAL_TIME);
  }

  /** One node-wide gauge and its limit. */
  private record Gauge(
      String key, String what, String unit, String series, OptionalLong limit, String limitName) {}

  @Override
  public List<Finding> detect(TrendInput in) {
    DoctorConfig c = in.config().doctor();
    Optional<TcpMemLimits> mem = in.node().tunables().tcpMem();
    List<Finding> out = new ArrayList<>();
    check(
            in,
            new Gauge(
                "orphans",
                "orphaned sockets",
                "sockets",
                SeriesNames.TCP_ORPHANS,
                in.node().tunables().tcpMaxOrphans(),
                "tcp_max_orphans"),
            c.value(ORPHANS_MIN_RATE),
            c.value(ORPHANS_MIN_GROWTH))
        .ifPresent(out::add);
    check(
            in,
            new Gauge(
                "tcp-memory",
                "TCP memory",
                "pages",
                SeriesNames.TCP_MEMORY,
                mem.isPresent() ? OptionalLong.of(mem.get().maxPages()) : OptionalLong.empty(),
                "tcp_mem max"),
            c.value(MEMORY_MIN_RATE),
            c.value(MEMORY_MIN_GROWTH))
        .ifPresent(out::add);
    return out;
  }

  private Optional<Finding> check(TrendInput in, Gauge g, double minPerMinute, double minGrowth) {
    long window = in.config().leakWindowSeconds();
    Optional<Rise> rise =
        Rise.measure(
            in.history()
                .range(
                    SeriesNames.node(g.series()), in.nowSecond() - window + 1, in.nowSecond(), 1),
            window);
    if (rise.isEmpty() || !rise.get().sustained(minPerMinute / 60, minGrowth)) {
      return Optional.empty();
    }
    Rise r = rise.get();
    List<Evidence> e = new ArrayList<>();
    e.add(
        Evidence.of(
            Keys.GROWTH_PER_SECOND, g.what() + " growth per second", r.slopePerSecond(), "/s"));
    e.add(
        Evidence.of(
            Keys.GROWTH_PER_MINUTE,
            g.what() + " growth per minute",
            60 * r.slopePerSecond(),
            "/min"));
    e.add(Evidence.of(Keys.CURRENT, g.what() + " now, node-wide", r.current(), g.unit()));
    e.add(
        Evidence.of(
            Keys.GAINED,
            "gained over the window (last third - first third)",
            r.growth(),
            g.unit()));
    e.add(Evidence.of(Keys.WINDOW_SECONDS, "window", window, "s"));
    e.add(Evidence.of(Keys.SAMPLES_IN_WINDOW, "samples in the window", r.points(), ""));
    Optional<Headroom> headroom = Optional.empty();
    OptionalDouble toLimit = OptionalDouble.empty();
    if (g.limit().isPresent()) {
      long limit = g.limit().getAsLong();
      Headroom h = Headroom.growing(g.what(), r.current(), limit, g.unit(), r.slopePerSecond());
      toLimit = h.secondsToLimit();
      e.add(Evidence.of(Keys.LIMIT, g.limitName(), limit, g.unit()));
      toLimit.ifPresent(
          v -> e.add(Evidence.of(Keys.SECONDS_TO_LIMIT, "time to " + g.limitName(), v, "s")));
      headroom = Optional.of(h);
    }
    boolean critical =
        toLimit.isPresent() && toLimit.getAsDouble() <= in.config().doctor().value(CRITICAL_TIME);
    String title =
        String.format(
            Locale.ROOT,
            "%s rising: +%.0f %s/min over the last %s (now %.0f)",
            capitalized(g.what()),
            60 * r.slopePerSecond(),
            g.unit(),
            HumanDuration.of(window),
            r.current());
    if (toLimit.isPresent()) {
      title += "; " + g.limitName() + " is reached in " + HumanDuration.of(toLimit.getAsDouble());
    }
    return Optional.of(
        new Finding(
            id(),
            g.key(),
            critical ? Severity.CRITICAL : Severity.WARNING,
            title,
            Subject.NODE,
            e,
            headroom,
            g.key().equals("orphans")
                ? "Orphans are connections their processes closed while the peer had not"
                    + " acknowledged everything: find the peers (the orphans detector names"
                    + " them) that stopped reading or answering. Lower net.ipv4.tcp_orphan_retries"
                    + " and tcp_fin_timeout so orphans go sooner; raise tcp_max_orphans only if"
                    + " memory allows (up to ~64 KiB each)."
                : "Find the sockets holding the memory (the tcp-memory detector names the"
                    + " processes with the most socket memory and unread data): usually"
                    + " receivers that stopped reading or a growing number of connections with"
                    + " full buffers. Raising tcp_mem only moves the limit."));
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
