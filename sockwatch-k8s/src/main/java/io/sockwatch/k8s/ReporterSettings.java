package io.sockwatch.k8s;

import java.time.Duration;

/**
 * How the Kubernetes reporter paces itself. Every number bounds something: API writes, memory, the
 * size of what it writes. {@link #defaults()} is what {@code serve --kubernetes} uses; tests shrink
 * the times.
 *
 * @param tick how often the reporter reads the agent's published state (it never waits on sampling)
 * @param heartbeat the longest time between two writes of the conditions while nothing changes:
 *     each write refreshes {@code lastHeartbeatTime} and the messages' numbers
 * @param minWriteInterval the shortest time between two writes when only the findings behind a
 *     condition change, not its status (a status change is written at once)
 * @param requestTimeout how long one API request may take before it counts as timed out
 * @param backoffBase the wait after the first failure; it doubles with each further one
 * @param backoffCap the longest wait between two attempts
 * @param eventsPerMinute event writes (new events and series updates) per minute; more wait, and
 *     beyond {@code pendingEvents} the oldest waiting one is dropped
 * @param pendingEvents events waiting to be written, at most
 * @param seriesMemory events remembered so that a repeat is counted on them; the oldest is
 *     forgotten
 * @param seriesWindow how long after an event's last occurrence a repeat is still counted on it
 *     rather than written as a new event (the API server keeps events about an hour)
 * @param maxMessageBytes the longest condition message and event note, in UTF-8 bytes (the API
 *     server refuses event notes over 1 KiB)
 */
public record ReporterSettings(
    Duration tick,
    Duration heartbeat,
    Duration minWriteInterval,
    Duration requestTimeout,
    Duration backoffBase,
    Duration backoffCap,
    int eventsPerMinute,
    int pendingEvents,
    int seriesMemory,
    Duration seriesWindow,
    int maxMessageBytes) {

  public ReporterSettings {
    positive("tick", tick);
    positive("heartbeat", heartbeat);
    positive("requestTimeout", requestTimeout);
    positive("backoffBase", backoffBase);
    if (minWriteInterval.isNegative() || minWriteInterval.compareTo(heartbeat) > 0) {
      throw new IllegalArgumentException("minWriteInterval must be between 0 and the heartbeat");
    }
    if (backoffCap.compareTo(backoffBase) < 0) {
      throw new IllegalArgumentException("backoffCap must be at least backoffBase");
    }
    if (eventsPerMinute < 1 || pendingEvents < 1 || seriesMemory < 1) {
      throw new IllegalArgumentException("event limits must be at least 1");
    }
    if (maxMessageBytes < 64 || maxMessageBytes > 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be between 64 and 1024");
    }
  }

  /**
   * One read a second; conditions rewritten at least every 60 s and at most every 10 s unless a
   * status changes; 10 s per request; backoff from 1 s doubling to 2 min; 30 events a minute, 100
   * waiting, 500 remembered for an hour; messages up to 1024 bytes.
   */
  public static ReporterSettings defaults() {
    return new ReporterSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        Duration.ofMinutes(2),
        30,
        100,
        500,
        Duration.ofHours(1),
        1024);
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
