package io.sockwatch.watch;

import io.sockwatch.analysis.Configurable;
import io.sockwatch.analysis.HumanDuration;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Socket leaks per process: the sockets a process holds, or its CLOSE_WAIT sockets (the peer
 * closed, the process never did), rising steadily over the leak window, and the time until the
 * process hits its open-files limit at that rate, when it fails with EMFILE ("Too many open
 * files"). Only the processes the agent keeps by name (the top {@code --top} by sockets) have a
 * history; a leaking process climbs into them.
 *
 * <p>A rise must be sustained and consistent ({@link Rise}): a burst of connections or a pool
 * filling up once does not make a leak, however steep.
 */
final class SocketLeakDetector implements TrendDetector, Configurable {

  static final Threshold MIN_RATE =
      new Threshold(
          "socket-leak.min-rate",
          1,
          "",
          "Sockets (or CLOSE_WAIT sockets) per minute a process must gain, by robust slope over the"
              + " leak window.");
  static final Threshold MIN_GROWTH =
      new Threshold(
          "socket-leak.min-growth",
          10,
          "",
          "Sockets the last third of the leak window must be above its first third.");
  static final Threshold CRITICAL_TIME =
      new Threshold(
          "socket-leak.critical-time",
          3600,
          "s",
          "Critical when the open-files limit is reached within this time at the current slope.");

  @Override
  public String id() {
    return "socket-leak";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    SOCKET_GROWTH_PER_SECOND,
    SOCKET_GROWTH_PER_MINUTE,
    SOCKETS,
    SOCKETS_GAINED,
    CLOSE_WAIT_GROWTH_PER_SECOND,
    CLOSE_WAIT_GROWTH_PER_MINUTE,
    CLOSE_WAIT_SOCKETS,
    WINDOW_SECONDS,
    SAMPLES_IN_WINDOW,
    OPEN_FILES,
    OPEN_FILES_LIMIT,
    SECONDS_TO_LIMIT
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(MIN_RATE, MIN_GROWTH, CRITICAL_TIME);
  }

  @Override
  public List<Finding> detect(TrendInput in) {
    if (in.stats().isEmpty()) {
      return List.of();
    }
    DoctorConfig c = in.config().doctor();
    double minSlope = c.value(MIN_RATE) / 60;
    double minGrowth = c.value(MIN_GROWTH);
    long window = in.config().leakWindowSeconds();
    long from = in.nowSecond() - window + 1;
    List<Finding> out = new ArrayList<>();
    for (TickStats.ProcessStat p : in.stats().get().processes()) {
      Optional<Rise> sockets =
          Rise.measure(
              in.history()
                  .range(
                      SeriesNames.process(SeriesNames.PROCESS_SOCKETS, p.label()),
                      from,
                      in.nowSecond(),
                      1),
              window);
      Optional<Rise> closeWait =
          Rise.measure(
              in.history()
                  .range(
                      SeriesNames.process(SeriesNames.PROCESS_CLOSE_WAIT, p.label()),
                      from,
                      in.nowSecond(),
                      1),
              window);
      if (sockets.isEmpty()) {
        continue; // both series come from the same scans: no sockets, no CLOSE_WAIT either
      }
      boolean socketLeak = sockets.get().sustained(minSlope, minGrowth);
      boolean closeWaitLeak =
          closeWait.isPresent() && closeWait.get().sustained(minSlope, minGrowth);
      if (socketLeak || closeWaitLeak) {
        out.add(finding(p, sockets.get(), closeWaitLeak ? closeWait : Optional.empty(), window, c));
      }
    }
    return out;
  }

  private Finding finding(
      TickStats.ProcessStat p,
      Rise sockets,
      Optional<Rise> closeWait,
      long window,
      DoctorConfig c) {
    List<Evidence> e = new ArrayList<>();
    e.add(
        Evidence.of(
            Keys.SOCKET_GROWTH_PER_SECOND,
            "socket growth per second",
            sockets.slopePerSecond(),
            "/s"));
    e.add(
        Evidence.of(
            Keys.SOCKET_GROWTH_PER_MINUTE,
            "socket growth per minute",
            60 * sockets.slopePerSecond(),
            "/min"));
    e.add(Evidence.of(Keys.SOCKETS, "sockets now", sockets.current(), ""));
    e.add(
        Evidence.of(
            Keys.SOCKETS_GAINED,
            "sockets gained over the window (last third - first third)",
            sockets.growth(),
            ""));
    closeWait.ifPresent(
        cw -> {
          e.add(
              Evidence.of(
                  Keys.CLOSE_WAIT_GROWTH_PER_SECOND,
                  "CLOSE_WAIT growth per second",
                  cw.slopePerSecond(),
                  "/s"));
          e.add(
              Evidence.of(
                  Keys.CLOSE_WAIT_GROWTH_PER_MINUTE,
                  "CLOSE_WAIT growth per minute",
                  60 * cw.slopePerSecond(),
                  "/min"));
          e.add(Evidence.of(Keys.CLOSE_WAIT_SOCKETS, "CLOSE_WAIT sockets now", cw.current(), ""));
        });
    e.add(Evidence.of(Keys.WINDOW_SECONDS, "window", window, "s"));
    e.add(Evidence.of(Keys.SAMPLES_IN_WINDOW, "samples in the window", sockets.points(), ""));

    // Every socket is a descriptor: the process's descriptors grow at the sockets' slope.
    Optional<Headroom> headroom = Optional.empty();
    OptionalDouble toLimit = OptionalDouble.empty();
    if (p.openFiles() != ProcessInfo.ABSENT && p.maxOpenFiles() != ProcessInfo.ABSENT) {
      Headroom h =
          Headroom.growing(
              "open files of " + p.label(),
              p.openFiles(),
              p.maxOpenFiles(),
              "descriptors",
              sockets.slopePerSecond());
      toLimit = h.secondsToLimit();
      e.add(Evidence.of(Keys.OPEN_FILES, "open files", p.openFiles(), ""));
      e.add(
          Evidence.of(
              Keys.OPEN_FILES_LIMIT, "open-files limit (RLIMIT_NOFILE)", p.maxOpenFiles(), ""));
      toLimit.ifPresent(
          v -> e.add(Evidence.of(Keys.SECONDS_TO_LIMIT, "time to the open-files limit", v, "s")));
      headroom = Optional.of(h);
    }
    boolean critical = toLimit.isPresent() && toLimit.getAsDouble() <= c.value(CRITICAL_TIME);
    return new Finding(
        id(),
        p.label(),
        critical ? Severity.CRITICAL : Severity.WARNING,
        title(p, sockets, closeWait, window, toLimit),
        new Subject(List.of(p.label()), "", "", ""),
        e,
        headroom,
        closeWait.isPresent()
            ? "The peers closed and "
                + p.label()
                + " never called close() on its side: find the code path that drops a connection"
                + " without closing it (a missing finally or try-with-resources, an error path, a"
                + " pool that does not evict dead connections). `sockwatch snapshot --pid "
                + p.pid()
                + " --state close-wait` lists them by peer. Raising RLIMIT_NOFILE only buys time."
            : "Find what keeps the connections: a pool without a maximum, clients created per"
                + " request and never closed, accepted connections never closed. `sockwatch"
                + " snapshot --pid "
                + p.pid()
                + " --summary` shows them by state and peer. If the growth is load, not a leak,"
                + " make sure RLIMIT_NOFILE has room for the peak.");
  }

  private static String title(
      TickStats.ProcessStat p,
      Rise sockets,
      Optional<Rise> closeWait,
      long window,
      OptionalDouble toLimit) {
    String what =
        closeWait.isPresent()
            ? String.format(
                Locale.ROOT,
                "%s leaks connections: CLOSE_WAIT grows %s/min over the last %s (now %.0f)",
                p.label(),
                perMinute(closeWait.get().slopePerSecond()),
                HumanDuration.of(window),
                closeWait.get().current())
            : String.format(
                Locale.ROOT,
                "%s holds ever more sockets: +%s/min over the last %s (now %.0f)",
                p.label(),
                perMinute(sockets.slopePerSecond()),
                HumanDuration.of(window),
                sockets.current());
    return toLimit.isPresent()
        ? what
            + "; at this rate it reaches its open-files limit ("
            + p.maxOpenFiles()
            + ") in "
            + HumanDuration.of(toLimit.getAsDouble())
        : what;
  }

  private static String perMinute(double perSecond) {
    return String.format(Locale.ROOT, "%.0f", 60 * perSecond);
  }
}
