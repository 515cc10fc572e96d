package io.sockwatch.probe;

import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.PathProblem;
import io.sockwatch.model.probe.ProbeListener;
import io.sockwatch.model.probe.ProbeReport;
import io.sockwatch.model.probe.ProbeSettings;
import io.sockwatch.model.probe.TryOutcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures the idle timeout of the path to an echo peer: runs an {@link IdleSearch}, one virtual
 * thread per try (a try spends its life asleep, then sends one line), and feeds the search each
 * result as it arrives. The search itself only runs on the caller's thread.
 *
 * <p>Before the search, one connection checks the path, so an unusable target fails within the
 * connect and reply timeouts with a {@link PathProblem} instead of after an hour of tries. Tries
 * that cannot even connect say nothing about idle timeouts; if most of them fail that way the peer
 * has gone and the run stops with {@link PathProblem.Kind#LOST}.
 */
public final class IdleProber {

  private sealed interface Event {}

  private record Done(double idle, TryOutcome outcome) implements Event {}

  private record Lost(double idle, String why) implements Event {}

  private final InetSocketAddress target;
  private final ProbeSettings settings;
  private final ProbeListener listener;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Map<Double, Future<?>> running = new HashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private long t0;

  public IdleProber(InetSocketAddress target, ProbeSettings settings, ProbeListener listener) {
    this.target = target;
    this.settings = settings;
    this.listener = listener;
  }

  /**
   * Runs the whole measurement.
   *
   * @throws PathProblem when the path or peer cannot be probed
   * @throws InterruptedException when the caller is interrupted (every connection is closed)
   */
  public ProbeReport run() throws PathProblem, InterruptedException, IOException {
    t0 = System.nanoTime();
    double handshake;
    double echo;
    try (ProbeConnection check = open(0)) {
      handshake = check.handshakeMillis();
      echo = check.firstEchoMillis();
    }
    listener.ready(handshake, echo);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<ProbeConnection> keepalive =
          settings.keepaliveIdleSeconds() > 0
              ? pool.submit(() -> open(settings.keepaliveIdleSeconds()))
              : null;
      try {
        IdleSearch search = new IdleSearch(settings.search());
        List<ProbeReport.Try> tries = new ArrayList<>();
        boolean timedOut = runSearch(search, pool, tries);
        Optional<ProbeReport.KeepaliveCheck> ka =
            keepalive == null
                ? Optional.empty()
                : Optional.of(checkKeepalive(keepalive, search.bracket()));
        return new ProbeReport(
            Endpoints.format(target),
            search.bracket(),
            settings.search().precision(),
            timedOut || (search.cutShort() && !preciseOrOpen(search.bracket())),
            tries,
            ids.get(),
            elapsed(),
            handshake,
            echo,
            ka);
      } finally {
        running.values().forEach(f -> f.cancel(true));
        if (keepalive != null) {
          keepalive.cancel(true);
          closeQuietly(keepalive);
        }
        pool.shutdownNow();
      }
    }
  }

  /** Whether the deadline did not matter: the bracket is precise, or no timeout exists in range. */
  private boolean preciseOrOpen(IdleBracket b) {
    return b.relativeError() <= settings.search().precision()
        || (!b.found() && b.lo() >= settings.search().maxIdleSeconds());
  }

  /** Returns true when the deadline ended the search with tries still running. */
  private boolean runSearch(IdleSearch search, ExecutorService pool, List<ProbeReport.Try> tries)
      throws InterruptedException, PathProblem {
    apply(search.begin(), pool);
    int lost = 0;
    String lastLoss = "";
    while (!search.finished()) {
      double left = settings.search().deadlineSeconds() - elapsed();
      Event e = events.poll(Math.max(0, (long) (left * 1000)), TimeUnit.MILLISECONDS);
      if (e == null) {
        return true;
      }
      switch (e) {
        case Done d -> {
          running.remove(d.idle());
          IdleSearch.Step step =
              d.outcome().survived()
                  ? search.survived(d.idle(), elapsed())
                  : search.died(d.idle(), elapsed());
          ProbeReport.Try t = new ProbeReport.Try(d.idle(), d.outcome(), elapsed());
          tries.add(t);
          listener.finished(t, search.bracket());
          apply(step, pool);
        }
        case Lost l -> {
          running.remove(l.idle());
          lost++;
          lastLoss = l.why();
          if (lost > 3 && lost * 2 > tries.size() + lost) {
            throw new PathProblem(
                PathProblem.Kind.LOST,
                lost
                    + " probe connections to "
                    + Endpoints.format(target)
                    + " failed, last: "
                    + lastLoss);
          }
          apply(search.lost(l.idle(), elapsed()), pool);
        }
      }
    }
    return false;
  }

  private void apply(IdleSearch.Step step, ExecutorService pool) {
    for (double idle : step.cancel()) {
      Future<?> f = running.remove(idle);
      if (f != null) {
        f.cancel(true);
      }
    }
    for (double idle : step.start()) {
      running.put(idle, pool.submit(() -> tryIdle(idle)));
    }
    if (!step.start().isEmpty()) {
      listener.started(step.start(), elapsed());
    }
  }

  /** One try, on its own virtual thread: connect, stay idle, send, and report. */
  private void tryIdle(double idle) {
    try (ProbeConnection c = open(0)) {
      sleepUntil(c.idleSince() + (long) (idle * 1e9));
      events.add(new Done(idle, c.ping()));
    } catch (PathProblem p) {
      events.add(new Lost(idle, p.getMessage()));
    } catch (InterruptedIOException | InterruptedException e) {
      // cancelled: the search no longer needs this idle time
    } catch (IOException e) {
      events.add(new Lost(idle, String.valueOf(e.getMessage())));
    }
  }

  private ProbeReport.KeepaliveCheck checkKeepalive(
      Future<ProbeConnection> pending, IdleBracket bracket) throws InterruptedException {
    int keepIdle = settings.keepaliveIdleSeconds();
    ProbeConnection c;
    try {
      c = pending.get();
    } catch (java.util.concurrent.ExecutionException e) {
      return new ProbeReport.KeepaliveCheck(
          keepIdle, 0, Optional.empty(), "not checked: " + e.getCause().getMessage());
    }
    if (!bracket.found()) {
      return new ProbeReport.KeepaliveCheck(
          keepIdle, 0, Optional.empty(), "not checked: no idle timeout to outlast");
    }
    // Half as long again as the shortest idle that killed a connection: past any doubt.
    double outlast = Math.max(bracket.hi() * 1.5, bracket.hi() + 2);
    long due = c.idleSince() + (long) (outlast * 1e9);
    double dueAt = (due - t0) / 1e9;
    if (dueAt + settings.replySeconds() > settings.search().deadlineSeconds()) {
      return new ProbeReport.KeepaliveCheck(
          keepIdle,
          0,
          Optional.empty(),
          "not checked: the deadline leaves no time to stay idle for "
              + Endpoints.seconds(outlast));
    }
    try {
      sleepUntil(due);
      double idle = (System.nanoTime() - c.idleSince()) / 1e9;
      return new ProbeReport.KeepaliveCheck(keepIdle, idle, Optional.of(c.ping()), "");
    } catch (InterruptedIOException e) {
      throw new InterruptedException("cancelled");
    }
  }

  private ProbeConnection open(int keepaliveIdle) throws PathProblem, IOException {
    return ProbeConnection.open(
        target,
        ids.getAndIncrement(),
        settings.connectSeconds(),
        settings.replySeconds(),
        keepaliveIdle);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void closeQuietly(Future<ProbeConnection> f) {
    if (f.isDone() && !f.isCancelled()) {
      try {
        f.get().close();
      } catch (Exception e) {
        // it never opened
      }
    }
  }

  private double elapsed() {
    return (System.nanoTime() - t0) / 1e9;
  }
}
