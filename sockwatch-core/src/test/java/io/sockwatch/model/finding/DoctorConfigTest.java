package io.sockwatch.model.finding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DoctorConfigTest {

  @Test
  void durationsInEveryUnit() {
    assertThat(DoctorConfig.parseSeconds("250ms")).isEqualTo(0.25);
    assertThat(DoctorConfig.parseSeconds("10")).isEqualTo(10);
    assertThat(DoctorConfig.parseSeconds("10s")).isEqualTo(10);
    assertThat(DoctorConfig.parseSeconds("5m")).isEqualTo(300);
    assertThat(DoctorConfig.parseSeconds("1.5h")).isEqualTo(5400);
    assertThat(DoctorConfig.parseSeconds("2d")).isEqualTo(172800);
  }

  @Test
  void javaNumberSuffixesAndJunkAreNotDurations() {
    for (String bad : new String[] {"3f", "2D5", "1e", "", "s", "-1s", "NaN", "Infinity", "soon"}) {
      assertThatThrownBy(() -> DoctorConfig.parseSeconds(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a duration");
    }
  }
}
