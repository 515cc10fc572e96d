package io.sockwatch.k8s;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The events written lately, by series key, so that a repeat is counted on its event ({@code
 * series.count}, {@code series.lastObservedTime}) instead of written anew. Holds at most {@code
 * capacity} entries, least recently used forgotten first (counted); an entry older than {@code
 * window} is not reused, since the API server will have deleted its event (about an hour).
 */
final class SeriesBook {

  /** One written event: where it is and how often it happened. */
  record Entry(String namespace, String name, int count, Instant lastObserved) {}

  private final int capacity;
  private final Duration window;
  private final LinkedHashMap<String, Entry> entries;
  private long forgotten;

  SeriesBook(int capacity, Duration window) {
    this.capacity = capacity;
    this.window = window;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The event to count a repeat of {@code key} at {@code now} on, if there is a recent one. */
  Optional<Entry> recent(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null || Duration.between(e.lastObserved(), now).compareTo(window) > 0) {
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /** Records the event now written for {@code key}. */
  void put(String key, Entry e) {
    entries.put(key, e);
    while (entries.size() > capacity) {
      Map.Entry<String, Entry> eldest = entries.entrySet().iterator().next();
      entries.remove(eldest.getKey());
      forgotten++;
    }
  }

  /** Forgets {@code key} (its event is gone). */
  void remove(String key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }

  long forgotten() {
    return forgotten;
  }
}
