package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeCountTest {

  @Test
  void lineParsesBack() {
    ProbeCount c = new ProbeCount(190, 189, 1, 10, 171, 9_000_000_000L);
    assertThat(c.line())
        .isEqualTo(
            "COUNT attempted=190 established=189 failed=1 rounds=10 accepted=171"
                + " round_span_ns=9000000000");
    assertThat(ProbeCount.parse(c.line())).isEqualTo(c);
  }

  @Test
  void fieldsMayComeInAnyOrder() {
    assertThat(
            ProbeCount.parse(
                "COUNT rounds=2 accepted=0 round_span_ns=5 failed=0 established=3 attempted=4"))
        .isEqualTo(new ProbeCount(4, 3, 0, 2, 0, 5));
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
                List.of(new ProbeCount(1, 2, 3, 4, 5, 7), new ProbeCount(10, 20, 30, 40, 50, 6))))
        .isEqualTo(new ProbeCount(11, 22, 33, 44, 55, 7));
    assertThat(HerdProbers.total(List.of())).isEqualTo(ProbeCount.ZERO);
  }

  @Test
  void rateComesFromTheProbersOwnRoundTimes() {
    // 11 rounds to 19 peers, the first and last 10 s apart: 10 x 19 connects in 10 s.
    assertThat(new ProbeCount(209, 209, 0, 11, 0, 10_000_000_000L).connectsPerSecond(19))
        .hasValue(19.0);
    assertThat(new ProbeCount(19, 19, 0, 1, 0, 0).connectsPerSecond(19)).isEmpty();
  }
}
