package io.sockwatch.cli.output;

import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.ProbeListener;
import io.sockwatch.model.probe.ProbeReport;
import io.sockwatch.model.probe.ProbeSettings;
import io.sockwatch.model.probe.TryOutcome;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code probe-idle}'s text: one progress line per event (flushed, since a run takes minutes to
 * hours), then the answer and what to change.
 */
public final class ProbeTextWriter implements ProbeListener {

  private final PrintWriter out;
  private final String target;
  private final ProbeSettings settings;

  public ProbeTextWriter(PrintWriter out, InetSocketAddress target, ProbeSettings settings) {
    this.out = out;
    this.target = Endpoints.format(target);
    this.settings = settings;
  }

  @Override
  public void ready(double handshakeMillis, double firstEchoMillis) {
    line(
        String.format(
            Locale.ROOT,
            "probe-idle: %s echoes (handshake %.1f ms, echo %.1f ms); idle times %s to %s, at"
                + " most %s in all",
            target,
            handshakeMillis,
            firstEchoMillis,
            Endpoints.seconds(settings.search().minIdleSeconds()),
            Endpoints.seconds(settings.search().maxIdleSeconds()),
            Endpoints.seconds(settings.search().deadlineSeconds())));
  }

  @Override
  public void started(List<Double> idleSeconds, double atSeconds) {
    String which =
        idleSeconds.size() <= 3
            ? String.join(", ", idleSeconds.stream().map(Endpoints::seconds).toList())
            : Endpoints.seconds(idleSeconds.getFirst())
                + " ... "
                + Endpoints.seconds(idleSeconds.getLast());
    line(
        String.format(
            Locale.ROOT,
            "[%7.1f s] idle %s on %d new connection%s",
            atSeconds,
            which,
            idleSeconds.size(),
            idleSeconds.size() == 1 ? "" : "s"));
  }

  @Override
  public void finished(ProbeReport.Try t, IdleBracket bracket) {
    TryOutcome o = t.outcome();
    line(
        String.format(
            Locale.ROOT,
            "[%7.1f s] idle %-9s %s (%s)  timeout %s",
            t.atSeconds(),
            Endpoints.seconds(t.idleSeconds()) + ":",
            o.survived() ? "alive" : "dead ",
            o.detail(),
            range(bracket)));
  }

  /** The answer, the keepalive check and the fix. */
  public void result(ProbeReport r, Optional<Path> saved) {
    IdleBracket b = r.bracket();
    String found =
        String.format(
            Locale.ROOT,
            "found in %.0f s with %d connections",
            r.elapsedSeconds(),
            r.connections());
    if (!b.found()) {
      line(
          "No idle timeout on the path to "
              + target
              + " up to "
              + Endpoints.seconds(b.lo())
              + " ("
              + found.replace("found", "searched")
              + ")"
              + (r.cutShort()
                  ? "; the deadline stopped longer idle times from being tried."
                  : "."));
    } else if (b.lo() == 0) {
      line(
          "Idle timeout on the path to "
              + target
              + ": below "
              + Endpoints.seconds(b.hi())
              + ", the shortest idle tried ("
              + found
              + "). Try a smaller --min-idle.");
    } else {
      line(
          String.format(
              Locale.ROOT,
              "Idle timeout on the path to %s: between %s and %s (about %s, +-%.0f%%), %s%s.",
              target,
              Endpoints.seconds(b.lo()),
              Endpoints.seconds(b.hi()),
              Endpoints.seconds(Math.round(b.estimate().getAsDouble() * 10) / 10.0),
              100 * b.relativeError(),
              found,
              r.cutShort() ? "; the deadline left it wider than asked" : ""));
    }
    r.keepalive().ifPresent(k -> line(keepalive(k, b)));
    if (b.found()) {
      double safe = b.safeLimit();
      line(
          "Fix: connections to "
              + target.substring(0, target.lastIndexOf(':'))
              + " idle longer than "
              + Endpoints.seconds(safe)
              + " die silently. Enable SO_KEEPALIVE with TCP_KEEPIDLE below it (e.g. "
              + (long) Math.max(1, Math.floor(safe / 2))
              + " s), or send an application heartbeat at least that often.");
    }
    saved.ifPresent(
        p ->
            line(
                "Saved to "
                    + p
                    + ": doctor and serve now judge idle connections to "
                    + target.substring(0, target.lastIndexOf(':'))
                    + " against "
                    + Endpoints.seconds(b.safeLimit())
                    + "."));
    out.flush();
  }

  private static String keepalive(ProbeReport.KeepaliveCheck k, IdleBracket b) {
    String with = "Keepalive: a connection with TCP_KEEPIDLE=" + k.keepaliveIdleSeconds() + " s";
    if (k.outcome().isEmpty()) {
      return with + " was " + k.note() + ".";
    }
    TryOutcome o = k.outcome().get();
    String idle = Endpoints.seconds(Math.round(k.idleSeconds() * 10) / 10.0);
    return o.survived()
        ? with + " stayed idle (no data) for " + idle + " and still echoed: it keeps it alive."
        : with
            + " stayed idle (no data) for "
            + idle
            + " and died ("
            + o.detail()
            + "): "
            + (k.keepaliveIdleSeconds() >= b.lo()
                ? "its first probe comes too late."
                : "its probes did not keep the path's state.");
  }

  private static String range(IdleBracket b) {
    if (!b.found()) {
      return b.lo() > 0 ? "> " + Endpoints.seconds(b.lo()) : "unknown";
    }
    return b.lo() > 0
        ? "in (" + Endpoints.seconds(b.lo()) + ", " + Endpoints.seconds(b.hi()) + "]"
        : "<= " + Endpoints.seconds(b.hi());
  }

  private void line(String s) {
    out.println(s);
    out.flush();
  }
}
