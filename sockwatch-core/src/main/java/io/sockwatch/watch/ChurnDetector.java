package io.sockwatch.watch;

import io.sockwatch.analysis.Configurable;
import io.sockwatch.analysis.FlowOpeners;
import io.sockwatch.analysis.PortSpace;
import io.sockwatch.history.History;
import io.sockwatch.model.PortRange;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Connection churn per destination: a sustained rate of new outbound connections, measured from the
 * cookies each scan sees for the first time (TIME_WAIT included, so connections that opened and
 * closed between two scans count) and capped by the node's {@code TcpActiveOpens} rate over the
 * same window, which no destination can exceed: a socket that a busy netlink dump skipped and the
 * next one saw again would otherwise count as new.
 *
 * <p>The thundering-herd pattern (pollers or health checks opening a fresh connection per probe) is
 * a flavour of the same finding rather than a finding of its own: it is the same problem to the
 * same destination, and its signature only shows over time (the TIME_WAIT population reaches rate x
 * 60 s after a minute), so a separate id would close one finding and open another for one incident.
 * A churn is called a herd when it is steady (the rate varies little between scans), short-lived
 * (most new connections are already in TIME_WAIT when first seen) and the destination's TIME_WAIT
 * matches rate x 60 s, which says the rate has held for the last minute.
 *
 * <p>The processes are those the kernel's connection events saw opening connections to the
 * destination, when traced; else those seen opening connections to it in scans ({@link
 * RecentOpeners}), then those holding connections to it now; TIME_WAIT itself has no owner. When a
 * {@code herd} finding covers the destination's port, this finding is folded into it ({@link
 * io.sockwatch.analysis.HerdFolding}).
 */
final class ChurnDetector implements TrendDetector, Configurable {

  static final Threshold RATE =
      new Threshold(
          "connection-churn.rate",
          10,
          "",
          "New outbound connections per second to one destination, sustained, that make a"
              + " finding.");
  static final Threshold WINDOW =
      new Threshold(
          "connection-churn.window",
          5,
          "s",
          "The rate must be reached by the median scan of this window, so a burst does not count.");
  static final Threshold SHORT_LIVED =
      new Threshold(
          "connection-churn.short-lived",
          0.80,
          "%",
          "Churn is short-lived when this share of new connections is already in TIME_WAIT when"
              + " first seen.");
  static final Threshold HERD_VARIATION =
      new Threshold(
          "connection-churn.herd-variation",
          0.25,
          "%",
          "Herd: largest variation of the rate between scans, and of TIME_WAIT from rate x 60 s.");

  /** Processes named per finding. */
  static final int NAMED = 4;

  @Override
  public String id() {
    return "connection-churn";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    NEW_CONNECTIONS_PER_SECOND,
    SCAN_MEDIAN_PER_SECOND,
    ACTIVE_OPENS_PER_SECOND,
    PASSIVE_OPENS_PER_SECOND,
    WINDOW_SECONDS,
    SCANS_IN_WINDOW,
    FIRST_SEEN_IN_TIME_WAIT_PERCENT,
    RATE_VARIATION_PERCENT,
    TIME_WAIT_SOCKETS,
    EXPECTED_TIME_WAIT_SOCKETS,
    OPEN_CONNECTIONS,
    PORTS_IN_USE,
    PORTS_NEEDED,
    IP_LOCAL_PORT_RANGE_PORTS,
    SECONDS_TO_LIMIT
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(RATE, WINDOW, SHORT_LIVED, HERD_VARIATION);
  }

  @Override
  public List<Finding> detect(TrendInput in) {
    if (in.stats().isEmpty()) {
      return List.of();
    }
    DoctorConfig c = in.config().doctor();
    double minRate = c.value(RATE);
    double window = c.value(WINDOW);
    History h = in.history();
    long now = in.nowSecond();
    List<Finding> out = new ArrayList<>();
    FlowOpeners flows = FlowOpeners.of(in.activity());
    for (TickStats.DestinationStat d : in.stats().get().destinations()) {
      ChurnWindow w = ChurnWindow.of(h, d.destination(), now, window);
      if (w == null || w.median() < minRate) {
        continue;
      }
      OptionalDouble active =
          ChurnWindow.mean(h, SeriesNames.node(SeriesNames.ACTIVE_OPENS), w.fromSecond(), now);
      double rate = Math.min(w.median(), active.orElse(Double.POSITIVE_INFINITY));
      if (rate < minRate) {
        continue;
      }
      OptionalDouble passive =
          ChurnWindow.mean(h, SeriesNames.node(SeriesNames.PASSIVE_OPENS), w.fromSecond(), now);
      out.add(
          finding(
              in, d, w, now - w.fromSecond() + 1, rate, active, passive, names(in, flows, d), c));
    }
    return out;
  }

  /**
   * The kernel's events name the openers exactly when traced; without them (or when the events have
   * no flow to this destination) the openers remembered from scans, then the current holders.
   */
  static List<String> names(TrendInput in, FlowOpeners flows, TickStats.DestinationStat d) {
    List<String> traced = flows.names(d.destination());
    if (!traced.isEmpty()) {
      return traced.subList(0, Math.min(NAMED, traced.size()));
    }
    Set<String> names = new LinkedHashSet<>();
    in.openers().openers(d.destination()).forEach(o -> names.add(o.process()));
    names.addAll(d.processes());
    return List.copyOf(names).subList(0, Math.min(NAMED, names.size()));
  }

  private Finding finding(
      TrendInput in,
      TickStats.DestinationStat d,
      ChurnWindow w,
      long windowSeconds,
      double rate,
      OptionalDouble active,
      OptionalDouble passive,
      List<String> who,
      DoctorConfig c) {
    double share = w.shortLivedShare();
    double variation = w.variation();
    double expectedTimeWait = rate * PortSpace.TIME_WAIT_SECONDS;
    double timeWaitRatio = d.timeWait() / expectedTimeWait;
    boolean shortLived = share >= c.value(SHORT_LIVED);
    double tolerance = c.value(HERD_VARIATION);
    boolean herd = shortLived && variation <= tolerance && Math.abs(timeWaitRatio - 1) <= tolerance;

    List<Evidence> e = new ArrayList<>();
    e.add(Evidence.of(Keys.NEW_CONNECTIONS_PER_SECOND, "new connections per second", rate, "/s"));
    e.add(
        Evidence.of(
            Keys.SCAN_MEDIAN_PER_SECOND,
            "new connections per second seen in scans (median)",
            w.median(),
            "/s"));
    active.ifPresent(
        v ->
            e.add(
                Evidence.of(
                    Keys.ACTIVE_OPENS_PER_SECOND, "node TCP active opens per second", v, "/s")));
    passive.ifPresent(
        v ->
            e.add(
                Evidence.of(
                    Keys.PASSIVE_OPENS_PER_SECOND, "node TCP passive opens per second", v, "/s")));
    e.add(Evidence.of(Keys.WINDOW_SECONDS, "window", windowSeconds, "s"));
    e.add(Evidence.of(Keys.SCANS_IN_WINDOW, "scans in the window", w.rates().length, ""));
    e.add(
        Evidence.of(
            Keys.FIRST_SEEN_IN_TIME_WAIT_PERCENT,
            "new connections already in TIME_WAIT when first seen",
            100 * share,
            "%"));
    e.add(
        Evidence.of(
            Keys.RATE_VARIATION_PERCENT,
            "variation of the rate between scans",
            100 * variation,
            "%"));
    e.add(
        Evidence.of(
            Keys.TIME_WAIT_SOCKETS, "TIME_WAIT sockets to this destination", d.timeWait(), ""));
    e.add(
        Evidence.of(
            Keys.EXPECTED_TIME_WAIT_SOCKETS,
            "TIME_WAIT expected at this rate (rate x 60 s)",
            expectedTimeWait,
            ""));
    e.add(Evidence.of(Keys.OPEN_CONNECTIONS, "open connections to this destination", d.open(), ""));

    int used = d.open() + d.timeWait();
    double needed = d.open() + expectedTimeWait;
    Optional<Headroom> headroom = Optional.empty();
    Optional<PortRange> range = in.node().tunables().localPortRange();
    boolean exhausting = false;
    if (range.isPresent()) {
      int size = range.get().size();
      exhausting = needed >= size;
      e.add(Evidence.of(Keys.PORTS_IN_USE, "local ports in use to this destination", used, ""));
      e.add(
          Evidence.of(
              Keys.PORTS_NEEDED,
              "local ports needed at this rate (open + rate x 60 s)",
              needed,
              ""));
      e.add(Evidence.of(Keys.IP_LOCAL_PORT_RANGE_PORTS, "local port range", size, "ports"));
      // The ports in use grow at the connection rate only while the need exceeds the range.
      Headroom h =
          Headroom.growing(
              "local ports to " + d.destination(), used, size, "ports", exhausting ? rate : 0);
      h.secondsToLimit()
          .ifPresent(
              t ->
                  e.add(
                      Evidence.of(
                          Keys.SECONDS_TO_LIMIT, "time to run out of local ports", t, "s")));
      headroom = Optional.of(h);
    }
    return new Finding(
        id(),
        "to " + d.destination(),
        exhausting ? Severity.CRITICAL : Severity.WARNING,
        title(d, who, rate, shortLived, herd),
        new Subject(who, d.destination(), "", ""),
        e,
        headroom,
        remediation(d.destination(), herd));
  }

  private static String title(
      TickStats.DestinationStat d,
      List<String> who,
      double rate,
      boolean shortLived,
      boolean herd) {
    boolean many = who.size() > 1;
    String subject =
        who.isEmpty()
            ? "an unknown process (TIME_WAIT has no owner and none of its connections was caught"
                + " open)"
            : String.join(", ", who);
    if (herd) {
      return String.format(
          Locale.ROOT,
          "Thundering herd to %s: %s %s a steady %s short-lived connections/s; %d TIME_WAIT,"
              + " rate x 60 s",
          d.destination(),
          subject,
          many ? "open" : "opens",
          rate(rate),
          d.timeWait());
    }
    return String.format(
        Locale.ROOT,
        "%s %s %s new connections/s to %s%s",
        subject,
        many ? "open" : "opens",
        rate(rate),
        d.destination(),
        !shortLived
            ? ""
            : many
                ? " and close each before the next scan instead of reusing it"
                : " and closes each before the next scan instead of reusing it");
  }

  private static String remediation(String destination, boolean herd) {
    String lead =
        herd
            ? "A fresh connection per probe at a steady rate: keep one connection per peer and"
                + " send the probes over it, or probe less often. "
            : "";
    return lead
        + "Reuse connections to "
        + destination
        + ": HTTP keep-alive, a connection pool, one long-lived client instead of one per request"
        + " or probe. `sockwatch plan --nodes N --interval I` shows what a probe interval costs in"
        + " TIME_WAIT and local ports, and `--reuse` what a persistent connection costs. If many"
        + " clients reconnect at the same moment (after a restart, on a cron minute, synchronized"
        + " retries), add jitter and backoff.";
  }

  private static String rate(double perSecond) {
    return perSecond >= 10
        ? String.format(Locale.ROOT, "%.0f", perSecond)
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }
}
