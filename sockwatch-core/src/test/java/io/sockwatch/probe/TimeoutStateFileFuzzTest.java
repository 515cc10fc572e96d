package io.sockwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.MeasuredTimeouts;
import java.nio.charset.StandardCharsets;

/**
 * The state file is hand-editable, so its parser meets arbitrary text: it must never throw, keep at
 * most one plausible entry per host, and name at most ten problems. Seeds run in the normal build;
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class TimeoutStateFileFuzzTest {

  @FuzzTest
  void parse(byte[] data) {
    MeasuredTimeouts loaded = TimeoutStateFile.parse(new String(data, StandardCharsets.UTF_8), "F");
    assertThat(loaded.problems()).hasSizeLessThanOrEqualTo(10);
    assertThat(loaded.entries()).hasSizeLessThanOrEqualTo(TimeoutStateFile.MAX_ENTRIES);
    assertThat(loaded.entries().stream().map(MeasuredTimeout::host).distinct().count())
        .isEqualTo(loaded.entries().size());
    for (MeasuredTimeout m : loaded.entries()) {
      assertThat(m.port()).isBetween(1, 65535);
      assertThat(m.diedSeconds()).isGreaterThan(m.survivedSeconds());
      assertThat(m.limitSeconds()).isPositive().isFinite();
    }
    assertThat(TimeoutStateFile.parse(TimeoutStateFile.format(loaded.entries()), "G").entries())
        .isEqualTo(loaded.entries());
  }
}
