package io.sockwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The /proc texts the events benchmark reads: /proc/stat and a descriptor's fdinfo. */
class KernelCountersParseTest {

  @Test
  void machineBusyIsUserNiceSystemIrqSoftirqStealNotIdleNorIowait() {
    String stat = "cpu  100 2 30 4000 50 6 7 8 90 0\ncpu0 50 1 15 2000 25 3 3 4 45 0\nintr 1 2 3\n";
    assertThat(CpuTimes.machineBusyTicks(stat)).isEqualTo(100 + 2 + 30 + 6 + 7 + 8);
    assertThatThrownBy(() -> CpuTimes.machineBusyTicks("intr 1\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void programRunsComeFromBpfProgramFdinfoOnly() {
    String prog =
        "pos:\t0\nflags:\t02000002\nmnt_id:\t16\nino:\t2079\nprog_type:\t5\nprog_jited:\t1\n"
            + "prog_tag:\t0123456789abcdef\nmemlock:\t4096\nprog_id:\t42\nrun_time_ns:\t123456\n"
            + "run_cnt:\t789\nrecursion_misses:\t0\nverified_insns:\t300\n";
    assertThat(BpfProgramStats.parse(prog)).isEqualTo(new BpfProgramStats(789, 123456));
    String map = "pos:\t0\nflags:\t02000002\nmap_type:\t27\nmemlock:\t266240\nmap_id:\t7\n";
    assertThat(BpfProgramStats.parse(map)).isEqualTo(new BpfProgramStats(0, 0));
    assertThat(BpfProgramStats.parse("pos:\t0\nflags:\t0100002\n"))
        .isEqualTo(new BpfProgramStats(0, 0));
  }
}
