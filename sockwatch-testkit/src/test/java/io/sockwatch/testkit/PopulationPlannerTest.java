package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PopulationPlannerTest {

  @Test
  void spreadsPairsEvenlyWithinTheDescriptorBudget() {
    List<WorkerPlan> plans = PopulationPlanner.plan("127.77", 9000, 200, 50, 100, 300, 16_000);

    assertThat(plans)
        .containsExactly(
            new WorkerPlan("127.77.1", 9000, 125, 0, 50, 16_000),
            new WorkerPlan("127.77.2", 9000, 75, 50, 50, 16_000));
    assertThat(plans).allSatisfy(p -> assertThat(p.heldDescriptors()).isLessThanOrEqualTo(300));
  }

  @Test
  void millionSocketsFitInFiftyThreeWorkersUnderUlimit20000() {
    List<WorkerPlan> plans =
        PopulationPlanner.plan("127.77", 9000, 450_000, 25_000, 50_000, 19_000, 16_939);

    assertThat(plans).hasSize(51);
    assertThat(plans.stream().mapToInt(WorkerPlan::established).sum()).isEqualTo(450_000);
    assertThat(plans.stream().mapToInt(WorkerPlan::closeWait).sum()).isEqualTo(25_000);
    assertThat(plans.stream().mapToInt(WorkerPlan::timeWait).sum()).isEqualTo(50_000);
    assertThat(plans).allSatisfy(p -> assertThat(p.peakDescriptors()).isLessThanOrEqualTo(20_000));
  }

  @Test
  void manyTimeWaitAloneGetsMoreThanOneWorker() {
    assertThat(PopulationPlanner.plan("127.77", 9000, 0, 0, 120_000, 19_000, 16_000)).hasSize(3);
  }

  @Test
  void tooManyWorkersFailsWithTheRemedy() {
    assertThatThrownBy(() -> PopulationPlanner.plan("127.77", 9000, 1_000_000, 0, 0, 1_000, 16_000))
        .isInstanceOf(PopulationException.class)
        .hasMessageContaining("raise ulimit -n");
  }

  @Test
  void workerPlanRoundTripsThroughArguments() {
    WorkerPlan p = new WorkerPlan("127.77.9", 9000, 1, 2, 3, 4);

    assertThat(WorkerPlan.fromArgs(p.toArgs().toArray(String[]::new))).isEqualTo(p);
    assertThat(p.listenerEndpoints())
        .containsExactly("127.77.9.1:9000", "127.77.9.2:9000", "127.77.9.3:9000");
  }

  @Test
  void workerRejectsArgumentsItDidNotWrite() {
    assertThatThrownBy(() -> WorkerPlan.fromArgs(new String[] {"10.0.0", "1", "1", "1", "1", "1"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.x.y");
    assertThatThrownBy(() -> WorkerPlan.fromArgs(new String[] {"127.0.0", "x", "1", "1", "1", "1"}))
        .hasMessageContaining("port is not a number");
  }
}
