package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.TestNetns;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * No false alarms: a namespace holding an ordinary, healthy mix of sockets (long-lived connections,
 * a few recent TIME_WAIT and listeners) gets the "healthy" verdict and exit code 0.
 */
@Tag("live")
class DoctorQuietHostLiveTest {

  @Test
  void healthyPopulationGetsNoFindings() throws Exception {
    try (TestNetns ns = TestNetns.create("quiet");
        SocketPopulation pop =
            SocketPopulation.builder().netns(ns.name()).established(300).timeWait(40).start()) {
      DoctorProcess run = DoctorProcess.run(ns, "doctor", "--interval", "1s", "-o", "json");
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      JsonNode json = run.json();
      assertThat(json.get("verdict").asString()).isEqualTo("OK");
      assertThat(json.get("findings")).as(run.out()).isEmpty();
      assertThat(json.get("socket_count").asInt())
          .isEqualTo(pop.expectedCounts().values().stream().mapToInt(Integer::intValue).sum());
      assertThat(json.get("headline").asString()).startsWith("sockwatch doctor: healthy");
    }
  }

  @Test
  void emptyNamespaceIsHealthyInTextToo() throws Exception {
    try (TestNetns ns = TestNetns.create("empty")) {
      DoctorProcess run = DoctorProcess.run(ns, "doctor", "--once");
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.out().lines().findFirst().orElseThrow())
          .startsWith("sockwatch doctor: healthy: 0 sockets");
      assertThat(run.err()).isEmpty();
    }
  }
}
