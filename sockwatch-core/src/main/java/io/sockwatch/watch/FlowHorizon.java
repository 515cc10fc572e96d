package io.sockwatch.watch;

import io.sockwatch.model.events.ConnectionActivity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's connection events of the last {@link #HORIZON_SECONDS} of scans, merged into one
 * window. Each scan brings the events since the previous one, about one tick: too short for a
 * prober that connects to each peer once a second to show its interval (one connect per pair per
 * window). Over a minute every such pair has dozens of connects, whose own times give its interval
 * ({@link ConnectionActivity#merge}), and a minute is also what a destination's TIME_WAIT
 * remembers, so the openers named for it are the ones that made it.
 *
 * <p>Bounded: at most {@link #MAX_WINDOWS} windows, and the merged window keeps at most {@link
 * #MAX_FLOWS} flows (the rest counted as dropped). A scan without events (the tracer unavailable)
 * empties it, so that judgement falls back to what it is without events rather than to stale ones.
 * Not thread-safe: the sampler owns it.
 */
final class FlowHorizon {

  static final long HORIZON_SECONDS = 60;
  static final int MAX_WINDOWS = 600;
  static final int MAX_FLOWS = 4096;

  private record Window(long second, ConnectionActivity activity) {}

  private final Deque<Window> windows = new ArrayDeque<>();
  private Optional<ConnectionActivity> merged = Optional.empty();

  /** Adds the events of the scan taken at {@code second}; empty events empty the horizon. */
  void add(long second, Optional<ConnectionActivity> activity) {
    if (activity.isEmpty()) {
      windows.clear();
      merged = Optional.empty();
      return;
    }
    windows.addLast(new Window(second, activity.get()));
    while (windows.size() > MAX_WINDOWS
        || windows.peekFirst().second() <= second - HORIZON_SECONDS) {
      windows.removeFirst();
    }
    List<ConnectionActivity> all = new ArrayList<>(windows.size());
    windows.forEach(w -> all.add(w.activity()));
    merged = Optional.of(ConnectionActivity.merge(all, MAX_FLOWS));
  }

  /** The merged events of the horizon; empty when the last scan had none. */
  Optional<ConnectionActivity> window() {
    return merged;
  }

  /** Windows held. */
  int windows() {
    return windows.size();
  }
}
