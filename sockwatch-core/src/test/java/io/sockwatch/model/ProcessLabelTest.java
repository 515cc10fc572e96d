package io.sockwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessLabelTest {

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "java(12) => 12",
        "a(b)(7) => 7",
        "x => 0",
        "x() => 0",
        "x(99999999999) => 0",
        "x(999999999) => 999999999",
        "x(12 => 0",
        "x12) => 0",
        "x(-3) => 0",
        "x(1 2) => 0",
        "(5) => 5",
        "java(12)x => 0"
      })
  void pidOfReadsOnlyLabelsShapedAsOfMakesThem(String label, int pid) {
    assertThat(ProcessLabel.pidOf(label)).isEqualTo(pid);
  }

  @Test
  void ofAndPidOfRoundTrip() {
    ProcessInfo p = new ProcessInfo(4242, "nginx: worker", "nginx");
    String label = ProcessLabel.of(p);

    assertThat(label).isEqualTo("nginx: worker(4242)");
    assertThat(ProcessLabel.pidOf(label)).isEqualTo(4242);
    assertThat(ProcessLabel.pidOf(ProcessLabel.of(new ProcessInfo(7, "a(b)", "")))).isEqualTo(7);
  }
}
