package io.sockwatch.model.watch;

import io.sockwatch.model.finding.Finding;
import java.time.Instant;
import java.util.Optional;

/**
 * A finding as the agent tracks it over time: the latest version the detectors raised, when the
 * problem was first and last seen, and, once it has been gone long enough, when it resolved.
 *
 * @param finding the latest raised version (its numbers are from {@code lastSeen})
 * @param firstSeen the first tick of this episode
 * @param lastSeen the last tick a detector raised it
 * @param resolvedAt when it resolved; empty while open
 */
public record TrackedFinding(
    Finding finding, Instant firstSeen, Instant lastSeen, Optional<Instant> resolvedAt) {

  public boolean open() {
    return resolvedAt.isEmpty();
  }
}
