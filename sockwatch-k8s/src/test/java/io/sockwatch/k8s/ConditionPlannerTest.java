package io.sockwatch.k8s;

import static io.sockwatch.k8s.Fixtures.T0;
import static io.sockwatch.k8s.Fixtures.finding;
import static io.sockwatch.k8s.Fixtures.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.watch.TrackedFinding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionPlannerTest {

  private final ConditionPlanner planner = new ConditionPlanner(1024);

  @Test
  void withNothingOpenAllFourAreFalseWithTheirQuietReason() {
    List<DesiredCondition> plan = planner.plan(List.of());

    assertThat(plan)
        .extracting(DesiredCondition::type)
        .containsExactly(
            "TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure");
    assertThat(plan).allMatch(d -> !d.active() && d.status().equals("False"));
    assertThat(plan)
        .extracting(DesiredCondition::reason)
        .containsExactly(
            "TCPMemoryWithinLimits",
            "EphemeralPortsAvailable",
            "NoSocketLeak",
            "ConntrackTableHasRoom");
    assertThat(plan.get(2).message())
        .isEqualTo(
            "No open finding shows a process not closing its sockets (set by findings of close-wait"
                + " at WARNING+, socket-leak at WARNING+).");
  }

  @Test
  void eachConditionIsSetExactlyByWhatNodeConditionSelects() {
    // every detector of every rule, at every severity: the plan must agree with NodeCondition
    List<TrackedFinding> all = new ArrayList<>();
    for (NodeCondition c : NodeCondition.values()) {
      for (NodeCondition.Rule r : c.rules()) {
        for (Severity s : Severity.values()) {
          all.add(open(finding(r.detector(), "p" + all.size() + "(1)", s), T0, T0));
        }
      }
    }
    for (TrackedFinding one : all) {
      List<DesiredCondition> plan = planner.plan(List.of(one));
      for (DesiredCondition d : plan) {
        assertThat(d.active())
            .as("%s %s -> %s", one.finding().detector(), one.finding().severity(), d.type())
            .isEqualTo(d.condition().setBy(one.finding()));
        assertThat(d.findingIds()).isEqualTo(d.active() ? List.of(one.finding().id()) : List.of());
      }
    }
    assertThat(planner.plan(List.of(open(finding("time-wait", "x(1)", Severity.CRITICAL), T0, T0))))
        .as("a detector no condition gathers sets none")
        .noneMatch(DesiredCondition::active);
  }

  @Test
  void theMessageSaysWhatWhoHeadroomAndFixOfTheMostSevereFinding() {
    List<TrackedFinding> open =
        List.of(
            open(finding("close-wait", "java(12)", Severity.CRITICAL), T0, T0),
            open(finding("socket-leak", "java(13)", Severity.WARNING), T0, T0),
            open(finding("close-wait", "python(14)", Severity.WARNING), T0, T0));

    DesiredCondition leak = planner.plan(open).get(2);

    assertThat(leak.active()).isTrue();
    assertThat(leak.reason()).isEqualTo("SocketLeakDetected");
    assertThat(leak.findingIds())
        .containsExactly("close-wait/java(12)", "close-wait/python(14)", "socket-leak/java(13)");
    assertThat(leak.message())
        .isEqualTo(
            "CRITICAL: java(12) has not closed 200 connections its peers closed (CLOSE_WAIT,"
                + " oldest 18 s). Who: java(12) on 127.0.0.1:9000 -> 127.0.0.1. Headroom: file"
                + " descriptors of java(12): 208 of 20000 descriptors used (1%). Also: 2 more"
                + " (socket-leak/java(13), close-wait/python(14)). Fix: java(12) must close() each"
                + " socket once read() returns end-of-file. Docs: docs/detectors/close-wait.md.");
  }

  @Test
  void longMessagesAreCutToTheBoundWithAnEllipsis() {
    List<TrackedFinding> open = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      open.add(
          open(
              finding("close-wait", "a-rather-long-process-name(" + i + ")", Severity.WARNING),
              T0,
              T0));
    }
    ConditionPlanner small = new ConditionPlanner(200);

    String message = small.plan(open).get(2).message();

    assertThat(message.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
    assertThat(message).endsWith("…").startsWith("WARNING: a-rather-long-process-name(0)");
    assertThat(planner.plan(open).get(2).message().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(1024);
  }
}
