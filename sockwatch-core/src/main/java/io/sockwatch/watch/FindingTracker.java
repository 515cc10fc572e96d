package io.sockwatch.watch;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.watch.TrackedFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns per-tick findings into episodes with hysteresis, so a value hovering at a threshold does
 * not flap: a finding opens only after it was raised on {@code openAfterTicks} consecutive ticks,
 * and resolves only after it has not been raised for {@code resolveAfter}. While open it keeps its
 * first-seen time and takes the latest numbers. Resolved episodes are kept, newest first, up to
 * {@link #RESOLVED_KEPT}; at most {@link #MAX_TRACKED} problems are tracked at once (further new
 * ones are counted as refused). Not thread-safe: the sampler owns it.
 */
final class FindingTracker {

  static final int RESOLVED_KEPT = 100;
  static final int MAX_TRACKED = 1000;

  private final int openAfterTicks;
  private final Duration resolveAfter;
  private final Map<String, Episode> tracked = new HashMap<>();
  private final Deque<TrackedFinding> resolved = new ArrayDeque<>();
  private long refused;

  FindingTracker(int openAfterTicks, Duration resolveAfter) {
    this.openAfterTicks = openAfterTicks;
    this.resolveAfter = resolveAfter;
  }

  private static final class Episode {
    Finding finding;
    final Instant firstSeen;
    Instant lastSeen;
    int consecutive;
    boolean open;

    Episode(Finding finding, Instant now) {
      this.finding = finding;
      this.firstSeen = now;
      this.lastSeen = now;
    }
  }

  /** Applies one tick's findings, raised at {@code now}. */
  void update(List<Finding> raised, Instant now) {
    Set<String> seen = new HashSet<>();
    for (Finding f : raised) {
      if (!seen.add(f.id())) {
        continue;
      }
      Episode e = tracked.get(f.id());
      if (e == null) {
        if (tracked.size() >= MAX_TRACKED) {
          refused++;
          continue;
        }
        e = new Episode(f, now);
        tracked.put(f.id(), e);
      }
      e.finding = f;
      e.lastSeen = now;
      e.consecutive++;
      if (e.consecutive >= openAfterTicks) {
        e.open = true;
      }
    }
    for (Iterator<Episode> it = tracked.values().iterator(); it.hasNext(); ) {
      Episode e = it.next();
      if (seen.contains(e.finding.id())) {
        continue;
      }
      e.consecutive = 0;
      if (!e.open) {
        it.remove();
      } else if (Duration.between(e.lastSeen, now).compareTo(resolveAfter) >= 0) {
        it.remove();
        resolved.addFirst(new TrackedFinding(e.finding, e.firstSeen, e.lastSeen, Optional.of(now)));
        while (resolved.size() > RESOLVED_KEPT) {
          resolved.removeLast();
        }
      }
    }
  }

  /** Open findings, most severe first, then by id. */
  List<TrackedFinding> open() {
    List<TrackedFinding> out = new ArrayList<>();
    for (Episode e : tracked.values()) {
      if (e.open) {
        out.add(new TrackedFinding(e.finding, e.firstSeen, e.lastSeen, Optional.empty()));
      }
    }
    out.sort(
        Comparator.comparing((TrackedFinding t) -> t.finding().severity())
            .thenComparing(t -> t.finding().id()));
    return out;
  }

  /** Resolved findings, newest first. */
  List<TrackedFinding> resolved() {
    return List.copyOf(resolved);
  }

  /** New problems not tracked because {@link #MAX_TRACKED} were already. */
  long refused() {
    return refused;
  }
}
