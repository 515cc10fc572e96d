package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCountTest {

  @Test
  void lineParsesBack() {
    ProbeCount c = new ProbeCount(190, 189, 1, 10, 171);
    assertThat(c.line())
        .isEqualTo("COUNT attempted=190 established=189 failed=1 rounds=10 accepted=171");
    assertThat(ProbeCount.parse(c.line())).isEqualTo(c);
  }

  @Test
  void fieldsMayComeInAnyOrder() {
    assertThat(ProbeCount.parse("COUNT rounds=2 accepted=0 failed=0 established=3 attempted=4"))
        .isEqualTo(new ProbeCount(4, 3, 0, 2, 0));
  }

  @Test
  void rejectsOtherLinesAndMissingOrMalformedFields() {
    assertThatThrownBy(() -> ProbeCount.parse("READY 12"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProbeCount.parse("COUNT attempted=1 established=1"))
        .hasMessageContaining("missing");
    assertThatThrownBy(
            () -> ProbeCount.parse("COUNT attempted=x established=1 failed=0 rounds=0 accepted=0"))
        .hasMessageContaining("malformed");
  }

  @Test
  void totalsAddFieldByField() {
    assertThat(
            HerdProbers.total(
                List.of(new ProbeCount(1, 2, 3, 4, 5), new ProbeCount(10, 20, 30, 40, 50))))
        .isEqualTo(new ProbeCount(11, 22, 33, 44, 55));
    assertThat(HerdProbers.total(List.of())).isEqualTo(ProbeCount.ZERO);
  }
}
