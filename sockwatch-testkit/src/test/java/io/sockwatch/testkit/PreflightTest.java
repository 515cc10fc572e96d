package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreflightTest {

  private static final long A = HostLimits.ABSENT;
  private static final List<WorkerPlan> PLANS =
      List.of(new WorkerPlan("127.77.1", 9000, 9000, 0, 60_000, 16_000));

  private static HostLimits limits(long fileMax, long filesUsed, long twMax, long twNow, long mem) {
    return new HostLimits(20_000, fileMax, filesUsed, twMax, twNow, 32768, 60999, mem);
  }

  @Test
  void fitsWhenEveryLimitHasRoom() {
    assertThatCode(() -> Preflight.check(limits(2_000_000, 1000, 131_072, 0, 20_000_000), PLANS))
        .doesNotThrowAnyException();
  }

  @Test
  void absentLimitsAreNotChecked() {
    assertThatCode(() -> Preflight.check(new HostLimits(A, A, A, A, A, A, A, A), PLANS))
        .doesNotThrowAnyException();
  }

  @Test
  void timeWaitBeyondTheBucketLimitNamesTheSysctl() {
    assertThatThrownBy(() -> Preflight.check(limits(2_000_000, 0, 100_000, 50_000, A), PLANS))
        .isInstanceOf(PopulationException.class)
        .hasMessageContaining("tcp_max_tw_buckets=100000")
        .hasMessageContaining("+50000 TIME_WAIT already");
  }

  @Test
  void fileMaxIsChecked() {
    assertThatThrownBy(() -> Preflight.check(limits(20_000, 5_000, A, A, A), PLANS))
        .isInstanceOf(PopulationException.class)
        .hasMessageContaining("fs.file-max is 20000");
  }

  @Test
  void memoryIsChecked() {
    assertThatThrownBy(() -> Preflight.check(limits(A, A, A, A, 50_000), PLANS))
        .isInstanceOf(PopulationException.class)
        .hasMessageContaining("MiB are available");
  }

  @Test
  void descriptorsPerWorkerLeavesHeadroomUnderUlimit() {
    assertThat(Preflight.descriptorsPerWorker(limits(A, A, A, A, A))).isEqualTo(19_000);
    assertThatThrownBy(
            () -> Preflight.descriptorsPerWorker(new HostLimits(900, A, A, A, A, A, A, A)))
        .hasMessageContaining("ulimit -n is 900");
  }

  @Test
  void perSourceUsesSixtyPercentOfThePortRange() {
    assertThat(Preflight.perSource(limits(A, A, A, A, A))).isEqualTo(16_939);
  }
}
