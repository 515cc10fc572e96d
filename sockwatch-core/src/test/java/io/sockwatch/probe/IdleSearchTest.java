package io.sockwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.probe.IdleBracket;
import io.sockwatch.model.probe.SearchSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the search against simulated paths (a try of idle d started at t finishes at t + d +
 * overhead and survives iff d &lt; timeout) in simulated time, so hours of searching take
 * microseconds and every claim about time and connections is checked exactly.
 */
class IdleSearchTest {

  private static final double OVERHEAD = 1;

  /** What a simulated run ended with. */
  private record Run(IdleSearch search, double endedAt, int maxRunning) {}

  private static Run simulate(SearchSettings s, double timeout) {
    IdleSearch search = new IdleSearch(s);
    record Event(double at, double idle, double startedAt) {}
    PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
    List<Double> cancelled = new ArrayList<>();
    IdleSearch.Step step = search.begin();
    double now = 0;
    int maxRunning = 0;
    for (int guard = 0; guard < 10_000; guard++) {
      for (double d : step.start()) {
        queue.add(new Event(now + d + OVERHEAD, d, now));
      }
      cancelled.addAll(step.cancel());
      queue.removeIf(e -> cancelled.contains(e.idle()) && !search.pending().contains(e.idle()));
      maxRunning = Math.max(maxRunning, search.pending().size());
      if (search.finished()) {
        return new Run(search, now, maxRunning);
      }
      Event e = queue.poll();
      assertThat(e).as("a pending try has no event").isNotNull();
      now = e.at();
      assertThat(now).isLessThanOrEqualTo(s.deadlineSeconds());
      step = e.idle() < timeout ? search.survived(e.idle(), now) : search.died(e.idle(), now);
    }
    throw new AssertionError("search did not finish");
  }

  private static SearchSettings settings(double min, double max, double deadline) {
    return new SearchSettings(min, max, 7, 0.1, deadline, OVERHEAD);
  }

  @ParameterizedTest
  @ValueSource(doubles = {5.5, 7, 13, 20, 21, 37, 59.9, 300, 350, 900, 1200, 3599})
  void findsTheTimeoutWithinTenPercentInUnderTwoAndAHalfTimeouts(double timeout) {
    Run run = simulate(settings(5, 3600, 3 * 3600), timeout);
    IdleBracket b = run.search().bracket();
    assertThat(b.lo()).isLessThan(timeout);
    assertThat(b.hi()).isGreaterThanOrEqualTo(timeout);
    assertThat(b.relativeError()).isLessThanOrEqualTo(0.1);
    assertThat(b.estimate().getAsDouble())
        .isCloseTo(timeout, org.assertj.core.data.Percentage.withPercentage(10));
    // Doubling overshoots by at most 2x, and the refine round for the last bracket starts when
    // its lower end survives: about lo + 2 lo, i.e. under 2.5 T with the overheads.
    assertThat(run.endedAt()).isLessThan(2.5 * timeout + 4 * OVERHEAD);
    assertThat(run.search().cutShort()).isFalse();
    // Connections in flight stay few: the doubling steps plus one refine set.
    assertThat(run.maxRunning()).isLessThanOrEqualTo(11 + 7);
  }

  @Test
  void aOneHourTimeoutTakesHoursNotADay() {
    Run run = simulate(settings(5, 7200, 6 * 3600), 3600);
    assertThat(run.endedAt()).isLessThan(2.5 * 3600 + 4);
    assertThat(run.search().bracket().relativeError()).isLessThanOrEqualTo(0.1);
  }

  @Test
  void timeoutBelowTheShortestTryIsReportedAsAnUpperBound() {
    Run run = simulate(settings(5, 3600, 10_000), 3);
    assertThat(run.search().bracket()).isEqualTo(new IdleBracket(0, 5));
    assertThat(run.search().bracket().found()).isTrue();
    assertThat(run.search().bracket().estimate()).isEmpty();
    assertThat(run.search().bracket().safeLimit()).isEqualTo(5);
    assertThat(run.endedAt()).isEqualTo(5 + OVERHEAD);
  }

  @Test
  void pathWithoutTimeoutEndsAtMaxIdle() {
    Run run = simulate(settings(5, 100, 1000), 1e9);
    IdleBracket b = run.search().bracket();
    assertThat(b.found()).isFalse();
    assertThat(b.lo()).isEqualTo(100);
    assertThat(run.endedAt()).isEqualTo(100 + OVERHEAD);
  }

  @Test
  void doublingStepsEndExactlyAtMaxIdle() {
    IdleSearch s = new IdleSearch(settings(5, 100, 1000));
    assertThat(s.begin().start()).containsExactly(5.0, 10.0, 20.0, 40.0, 80.0, 100.0);
  }

  @Test
  void deadlineKeepsLongTriesFromStartingAndIsReported() {
    // 200 s leaves room for idle times up to 199 s: 160 and 320 never start.
    IdleSearch s = new IdleSearch(settings(5, 3600, 200));
    assertThat(s.begin().start()).containsExactly(5.0, 10.0, 20.0, 40.0, 80.0, 160.0);
    assertThat(s.cutShort()).isTrue();
    Run run = simulate(settings(5, 3600, 200), 150);
    // 80 survived, 160 died; the refine set (80, 160) started at 81 s and its longest try
    // (150 s) could not finish by 200 s, so the bracket is wider than asked.
    assertThat(run.search().bracket().lo()).isLessThan(150);
    assertThat(run.search().bracket().hi()).isGreaterThanOrEqualTo(150);
    assertThat(run.search().cutShort()).isTrue();
  }

  @Test
  void lateResultsOfCancelledTriesAreIgnored() {
    IdleSearch s = new IdleSearch(settings(5, 100, 1000));
    s.begin();
    IdleSearch.Step step = s.died(10, 11);
    assertThat(step.cancel()).containsExactly(20.0, 40.0, 80.0, 100.0);
    IdleSearch.Step late = s.survived(40, 41);
    assertThat(late.start()).isEmpty();
    assertThat(s.bracket()).isEqualTo(new IdleBracket(0, 10));
  }

  @Test
  void survivingStepStartsRefinePointsUpToTheNextStepAndCancelsShorterOnes() {
    IdleSearch s = new IdleSearch(settings(5, 100, 1000));
    s.begin();
    IdleSearch.Step step = s.survived(5, 6);
    assertThat(step.start()).containsExactly(5.625, 6.25, 6.875, 7.5, 8.125, 8.75, 9.375);
    IdleSearch.Step next = s.survived(10, 11);
    assertThat(next.cancel()).containsExactly(5.625, 6.25, 6.875, 7.5, 8.125, 8.75, 9.375);
    assertThat(next.start()).hasSize(7).allMatch(d -> d > 10 && d < 20);
  }

  @Test
  void lostTriesAreForgottenAndTheSearchStillEnds() {
    IdleSearch s = new IdleSearch(settings(5, 20, 1000));
    s.begin();
    s.lost(5, 1);
    s.lost(10, 1);
    s.survived(20, 21);
    assertThat(s.finished()).isTrue();
    assertThat(s.bracket()).isEqualTo(new IdleBracket(20, Double.POSITIVE_INFINITY));
  }
}
