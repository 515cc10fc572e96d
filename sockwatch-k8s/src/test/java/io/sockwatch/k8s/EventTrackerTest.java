package io.sockwatch.k8s;

import static io.sockwatch.k8s.Fixtures.T0;
import static io.sockwatch.k8s.Fixtures.finding;
import static io.sockwatch.k8s.Fixtures.open;
import static io.sockwatch.k8s.Fixtures.resolved;
import static io.sockwatch.k8s.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTrackerTest {

  private final EventTracker tracker = new EventTracker(100, 1024);

  @Test
  void aWarningOpeningIsOneEventAndItsResolutionAnother() {
    Finding f = finding("close-wait", "java(12)", Severity.WARNING);

    List<EventIntent> opened = tracker.observe(state(T0, List.of(open(f, T0, T0)), List.of()));
    List<EventIntent> still =
        tracker.observe(
            state(T0.plusSeconds(1), List.of(open(f, T0, T0.plusSeconds(1))), List.of()));
    List<EventIntent> gone =
        tracker.observe(
            state(T0.plusSeconds(40), List.of(), List.of(resolved(f, T0, T0.plusSeconds(35)))));

    assertThat(opened)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("Opened");
              assertThat(e.type()).isEqualTo("Warning");
              assertThat(e.reason()).isEqualTo("CloseWait");
              assertThat(e.findingId()).isEqualTo("close-wait/java(12)");
              assertThat(e.note())
                  .startsWith("WARNING: java(12) has not closed")
                  .contains("Who: java(12)");
              assertThat(e.observedAt()).isEqualTo(T0);
            });
    assertThat(still).isEmpty();
    assertThat(gone)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("Resolved");
              assertThat(e.type()).isEqualTo("Normal");
              assertThat(e.reason()).isEqualTo("CloseWaitResolved");
              assertThat(e.observedAt()).as("when it resolved").isEqualTo(T0.plusSeconds(35));
              assertThat(e.note())
                  .startsWith("Resolved (open since " + T0 + "): java(12) has not closed");
            });
  }

  @Test
  void infoFindingsMakeNoEventUnlessTheyEscalate() {
    Finding info = finding("close-wait", "java(12)", Severity.INFO);
    Finding warning = finding("close-wait", "java(12)", Severity.WARNING);

    assertThat(tracker.observe(state(T0, List.of(open(info, T0, T0)), List.of()))).isEmpty();
    assertThat(tracker.observe(state(T0, List.of(), List.of()))).as("nothing announced").isEmpty();
    assertThat(tracker.observe(state(T0, List.of(open(info, T0, T0)), List.of()))).isEmpty();
    assertThat(tracker.observe(state(T0, List.of(open(warning, T0, T0)), List.of())))
        .extracting(EventIntent::action)
        .containsExactly("Opened");
  }

  @Test
  void memoryIsBoundedAndForgettingIsCounted() {
    EventTracker small = new EventTracker(3, 1024);
    List<io.sockwatch.model.watch.TrackedFinding> open = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      open.add(open(finding("close-wait", "p(" + i + ")", Severity.WARNING), T0, T0));
    }
    assertThat(small.observe(state(T0, open, List.of()))).hasSize(5);
    assertThat(small.forgotten()).isEqualTo(2);
    // the two forgotten ones, still open, are announced again: a bounded memory errs towards
    // telling
    assertThat(small.observe(state(T0, open, List.of()))).hasSize(2);
  }
}
