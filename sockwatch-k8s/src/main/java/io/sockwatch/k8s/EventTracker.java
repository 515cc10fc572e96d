package io.sockwatch.k8s;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the agent's successive states into events: one when a finding is open at WARNING or
 * CRITICAL that was not announced yet, one when an announced finding is no longer open. The agent
 * already applies hysteresis (a finding opens after a few ticks and resolves only once gone for a
 * while), so this needs none. Remembers at most {@code capacity} announced findings; past that the
 * oldest is forgotten (counted), and its resolution then goes unannounced. Pure: no I/O.
 */
final class EventTracker {

  private final int capacity;
  private final int maxNoteBytes;
  private final Map<String, Finding> announced = new LinkedHashMap<>();
  private long forgotten;

  EventTracker(int capacity, int maxNoteBytes) {
    this.capacity = capacity;
    this.maxNoteBytes = maxNoteBytes;
  }

  /** The events {@code state} calls for, compared with the states seen before. */
  List<EventIntent> observe(WatchState state) {
    List<EventIntent> out = new ArrayList<>();
    Set<String> open = new HashSet<>();
    Instant at = state.takenAt();
    for (TrackedFinding tf : state.open()) {
      Finding f = tf.finding();
      open.add(f.id());
      if (announced.containsKey(f.id())) {
        announced.put(f.id(), f);
      } else if (f.severity().compareTo(Severity.WARNING) <= 0) {
        announced.put(f.id(), f);
        out.add(opened(f, at));
      }
    }
    Map<String, TrackedFinding> resolved = new LinkedHashMap<>();
    for (TrackedFinding tf : state.resolved()) {
      resolved.putIfAbsent(tf.finding().id(), tf);
    }
    for (Iterator<Map.Entry<String, Finding>> it = announced.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Finding> e = it.next();
      if (!open.contains(e.getKey())) {
        TrackedFinding r = resolved.get(e.getKey());
        out.add(resolved(r == null ? e.getValue() : r.finding(), r, at));
        it.remove();
      }
    }
    while (announced.size() > capacity) {
      Iterator<String> oldest = announced.keySet().iterator();
      oldest.next();
      oldest.remove();
      forgotten++;
    }
    return out;
  }

  /** Announced findings forgotten to stay within the capacity. */
  long forgotten() {
    return forgotten;
  }

  private EventIntent opened(Finding f, Instant at) {
    String note =
        f.severity()
            + ": "
            + f.title()
            + " Who: "
            + f.subject().describe()
            + ". Finding "
            + f.id()
            + ", "
            + f.docPath()
            + ".";
    return new EventIntent(
        f.id(),
        EventIntent.OPENED,
        "Warning",
        Text.camel(f.detector()),
        Text.bound(note, maxNoteBytes),
        at);
  }

  private EventIntent resolved(Finding f, TrackedFinding tracked, Instant at) {
    String since = tracked == null ? "" : " (open since " + tracked.firstSeen() + ")";
    String note = "Resolved" + since + ": " + f.title() + " Finding " + f.id() + ".";
    return new EventIntent(
        f.id(),
        EventIntent.RESOLVED,
        "Normal",
        Text.camel(f.detector()) + "Resolved",
        Text.bound(note, maxNoteBytes),
        tracked == null ? at : tracked.resolvedAt().orElse(at));
  }
}
