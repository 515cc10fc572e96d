package io.sockwatch.model.finding;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.Watch;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeConditionTest {

  private static Finding finding(String detector, Severity severity) {
    return new Finding(
        detector, "k", severity, "t", Subject.NODE, List.of(), Optional.empty(), "fix");
  }

  @Test
  void typesAreTheContractedOnes() {
    assertThat(List.of(NodeCondition.values()).stream().map(NodeCondition::type))
        .containsExactly(
            "TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure");
    assertThat(NodeCondition.ofType("SocketLeak")).contains(NodeCondition.SOCKET_LEAK);
    assertThat(NodeCondition.ofType("Ready")).isEmpty();
  }

  @Test
  void everyRuleNamesARealDetectorAndNoDetectorSetsTwoConditions() {
    Set<String> seen = new HashSet<>();
    for (NodeCondition c : NodeCondition.values()) {
      for (String d : c.detectors()) {
        assertThat(Watch.detectorIds()).as(c.type()).contains(d);
        assertThat(seen.add(d)).as(d + " in two conditions").isTrue();
      }
    }
  }

  @Test
  void aFindingCountsFromItsRulesSeverityUp() {
    assertThat(NodeCondition.SOCKET_LEAK.setBy(finding("close-wait", Severity.WARNING))).isTrue();
    assertThat(NodeCondition.SOCKET_LEAK.setBy(finding("close-wait", Severity.CRITICAL))).isTrue();
    assertThat(NodeCondition.SOCKET_LEAK.setBy(finding("close-wait", Severity.INFO))).isFalse();
    assertThat(
            NodeCondition.EPHEMERAL_PORT_PRESSURE.setBy(
                finding("connection-churn", Severity.WARNING)))
        .isFalse();
    assertThat(
            NodeCondition.EPHEMERAL_PORT_PRESSURE.setBy(
                finding("connection-churn", Severity.CRITICAL)))
        .isTrue();
    assertThat(NodeCondition.CONNTRACK_PRESSURE.setBy(finding("close-wait", Severity.CRITICAL)))
        .isFalse();
  }

  @Test
  void selectKeepsTheOrderOfTheFindings() {
    Finding a = finding("tcp-memory", Severity.CRITICAL);
    Finding b = finding("time-wait", Severity.CRITICAL);
    Finding c = finding("orphans", Severity.WARNING);
    assertThat(NodeCondition.TCP_MEMORY_PRESSURE.select(List.of(a, b, c))).containsExactly(a, c);
  }
}
