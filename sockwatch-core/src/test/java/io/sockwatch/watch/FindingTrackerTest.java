package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.watch.TrackedFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingTrackerTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private static Finding finding(String key, Severity severity, String title) {
    return new Finding(
        "time-wait", key, severity, title, Subject.NODE, List.of(), Optional.empty(), "fix it");
  }

  private static Instant at(int second) {
    return T0.plusSeconds(second);
  }

  @Test
  void opensOnlyAfterConsecutiveTicksAndKeepsFirstSeen() {
    FindingTracker t = new FindingTracker(2, Duration.ofSeconds(5));
    Finding f = finding("a", Severity.WARNING, "one");

    t.update(List.of(f), at(0));
    assertThat(t.open()).as("one tick is not enough").isEmpty();
    t.update(List.of(f), at(1));

    assertThat(t.open()).hasSize(1);
    TrackedFinding open = t.open().getFirst();
    assertThat(open.firstSeen()).isEqualTo(at(0));
    assertThat(open.lastSeen()).isEqualTo(at(1));
    assertThat(open.open()).isTrue();
  }

  @Test
  void aSingleBlipNeverOpens() {
    FindingTracker t = new FindingTracker(2, Duration.ofSeconds(5));
    Finding f = finding("a", Severity.WARNING, "one");
    for (int s = 0; s < 20; s += 2) {
      t.update(List.of(f), at(s));
      t.update(List.of(), at(s + 1));
    }
    assertThat(t.open()).isEmpty();
    assertThat(t.resolved()).isEmpty();
  }

  @Test
  void staysOpenThroughShortGapsAndResolvesAfterTheQuietPeriod() {
    FindingTracker t = new FindingTracker(1, Duration.ofSeconds(5));
    Finding f = finding("a", Severity.CRITICAL, "one");
    t.update(List.of(f), at(0));
    t.update(List.of(), at(1));
    t.update(List.of(), at(4));
    assertThat(t.open()).as("gone for 4 s of 5").hasSize(1);
    t.update(List.of(f), at(5));
    t.update(List.of(), at(9));
    assertThat(t.open()).as("the gap restarted at 5").hasSize(1);
    t.update(List.of(), at(10));

    assertThat(t.open()).isEmpty();
    TrackedFinding r = t.resolved().getFirst();
    assertThat(r.firstSeen()).isEqualTo(at(0));
    assertThat(r.lastSeen()).isEqualTo(at(5));
    assertThat(r.resolvedAt()).contains(at(10));
  }

  @Test
  void takesTheLatestNumbersAndOrdersBySeverity() {
    FindingTracker t = new FindingTracker(1, Duration.ofSeconds(5));
    t.update(
        List.of(finding("w", Severity.WARNING, "old"), finding("c", Severity.CRITICAL, "c")),
        at(0));
    t.update(
        List.of(finding("w", Severity.WARNING, "new"), finding("c", Severity.CRITICAL, "c")),
        at(1));

    assertThat(t.open()).extracting(o -> o.finding().key()).containsExactly("c", "w");
    assertThat(t.open().get(1).finding().title()).isEqualTo("new");
    assertThat(t.open().get(1).firstSeen()).isEqualTo(at(0));
  }

  @Test
  void aResolvedProblemThatReturnsIsANewEpisode() {
    FindingTracker t = new FindingTracker(1, Duration.ofSeconds(1));
    Finding f = finding("a", Severity.WARNING, "one");
    t.update(List.of(f), at(0));
    t.update(List.of(), at(2));
    t.update(List.of(f), at(10));

    assertThat(t.open().getFirst().firstSeen()).isEqualTo(at(10));
    assertThat(t.resolved()).hasSize(1);
  }

  @Test
  void trackingAndResolvedListsAreCapped() {
    FindingTracker t = new FindingTracker(1, Duration.ZERO);
    List<Finding> many = new ArrayList<>();
    for (int i = 0; i < FindingTracker.MAX_TRACKED + 50; i++) {
      many.add(finding("k" + i, Severity.WARNING, "t"));
    }
    t.update(many, at(0));
    assertThat(t.open()).hasSize(FindingTracker.MAX_TRACKED);
    assertThat(t.refused()).isEqualTo(50);

    t.update(List.of(), at(1));
    assertThat(t.open()).isEmpty();
    assertThat(t.resolved()).hasSize(FindingTracker.RESOLVED_KEPT);
  }
}
