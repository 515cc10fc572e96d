package io.sockwatch.probe;

import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.SearchSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Decides which idle times to try, as a pure state machine: the caller opens a connection per idle
 * time it is told to start, reports whether each one still answered after that idle time, and
 * cancels what it is told to cancel. Time is the caller's (seconds since the search began), so the
 * search is tested without waiting.
 *
 * <p>Doubling first, then bisection, both in parallel, because one try costs as long as the idle
 * time it tries: every doubling step {@code min, 2min, 4min, ... max} starts at once, and the
 * moment a step survives, {@link SearchSettings#refinePoints()} connections start between it and
 * the next step (speculatively: if the next step survives too they are cancelled and a new set
 * starts above it). For a timeout T the answer is known after about 1.5 T to 2 T instead of the
 * many T a one-connection-at-a-time search takes. Once a step dies, everything longer is cancelled;
 * once a step survives, everything shorter is. Further rounds split what is left of the bracket
 * until it is within {@link SearchSettings#precision()} or the deadline leaves no room.
 *
 * <p>The search assumes one timeout per path: a try that contradicts what is known (a shorter idle
 * dying after a longer one survived) cannot happen because the contradicting try was cancelled
 * first, and a late result for a cancelled try is ignored.
 */
final class IdleSearch {

  /** What to do after an event. */
  public record Step(List<Double> start, List<Double> cancel) {
    public Step {
      start = List.copyOf(start);
      cancel = List.copyOf(cancel);
    }
  }

  private final SearchSettings settings;
  private final List<Double> doubling;
  private final NavigableSet<Double> pending = new TreeSet<>();
  private double lo;
  private double hi = Double.POSITIVE_INFINITY;
  private boolean cutShort;

  public IdleSearch(SearchSettings settings) {
    this.settings = settings;
    List<Double> steps = new ArrayList<>();
    for (double d = settings.minIdleSeconds(); d < settings.maxIdleSeconds(); d *= 2) {
      steps.add(round(d));
    }
    steps.add(round(settings.maxIdleSeconds()));
    this.doubling = List.copyOf(steps);
  }

  /** The doubling steps that fit before the deadline, to start now (at time 0). */
  public Step begin() {
    List<Double> start = new ArrayList<>();
    for (double d : doubling) {
      offer(d, 0, start);
    }
    return new Step(start, List.of());
  }

  /** A connection idle for {@code idle} seconds still answered; {@code now} is search time. */
  public Step survived(double idle, double now) {
    if (!pending.remove(idle)) {
      return new Step(List.of(), List.of());
    }
    lo = Math.max(lo, idle);
    List<Double> cancel = new ArrayList<>(pending.headSet(lo, true));
    pending.removeAll(cancel);
    List<Double> start = new ArrayList<>();
    int at = doubling.indexOf(idle);
    if (at >= 0 && at + 1 < doubling.size()) {
      split(lo, Math.min(hi, doubling.get(at + 1)), now, start);
    } else {
      refineIfSettled(now, start);
    }
    return new Step(start, cancel);
  }

  /** A connection idle for {@code idle} seconds got no answer or was reset. */
  public Step died(double idle, double now) {
    if (!pending.remove(idle)) {
      return new Step(List.of(), List.of());
    }
    hi = Math.min(hi, idle);
    List<Double> cancel = new ArrayList<>(pending.tailSet(hi, true));
    pending.removeAll(cancel);
    List<Double> start = new ArrayList<>();
    refineIfSettled(now, start);
    return new Step(start, cancel);
  }

  /**
   * A try failed for a reason that says nothing about idle timeouts (the connection could not be
   * opened): it is forgotten, and the bracket refined without it.
   */
  public Step lost(double idle, double now) {
    if (!pending.remove(idle)) {
      return new Step(List.of(), List.of());
    }
    List<Double> start = new ArrayList<>();
    refineIfSettled(now, start);
    return new Step(start, List.of());
  }

  /** Whether nothing is left to wait for. */
  public boolean finished() {
    return pending.isEmpty();
  }

  public IdleBracket bracket() {
    return new IdleBracket(lo, hi);
  }

  /** Whether the deadline kept a wanted try from starting, so the bracket is wider than asked. */
  public boolean cutShort() {
    return cutShort;
  }

  /** Idle times still running. */
  public List<Double> pending() {
    return List.copyOf(pending);
  }

  /** Starts a new round once no try inside the bracket is still running. */
  private void refineIfSettled(double now, List<Double> start) {
    if (lo <= 0 || !Double.isFinite(hi)) {
      return;
    }
    Double inside = pending.higher(lo);
    if (inside != null && inside < hi) {
      return;
    }
    split(lo, hi, now, start);
  }

  /** Starts the refine points strictly inside (a, b) unless that gap is already narrow enough. */
  private void split(double a, double b, double now, List<Double> start) {
    if (a <= 0 || !Double.isFinite(b) || (b - a) / (b + a) <= settings.precision()) {
      return;
    }
    int k = settings.refinePoints();
    for (int j = 1; j <= k; j++) {
      double d = round(a + (b - a) * j / (k + 1));
      if (d > a && d < b) {
        offer(d, now, start);
      }
    }
  }

  private void offer(double idle, double now, List<Double> start) {
    if (now + idle + settings.overheadSeconds() > settings.deadlineSeconds()) {
      cutShort = true;
      return;
    }
    if (pending.add(idle)) {
      start.add(idle);
    }
  }

  /** Millisecond resolution: finer idle times mean nothing on a real path. */
  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
