package io.sockwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventsSummaryTest {

  private static EventsRound off(long connects, long cpuNanos) {
    return new EventsRound(false, connects, 0, 1, new CpuTimes(cpuNanos, 0), 0, 0, 0, 0, 0);
  }

  private static EventsRound on(long connects, long cpuNanos, long seen, long lost) {
    return new EventsRound(
        true, connects, 0, 1, new CpuTimes(cpuNanos, 0), seen, seen, 1 << 20, lost, 0);
  }

  @Test
  void mediansRatioLossAndCostPerConnection() {
    EventsSummary s =
        new EventsSummary(
            List.of(
                off(10_000, 500_000_000),
                on(8_000, 480_000_000, 8_000, 0),
                on(7_000, 420_000_000, 6_930, 2),
                off(9_000, 450_000_000),
                off(11_000, 550_000_000),
                on(9_000, 540_000_000, 9_000, 0)));
    assertThat(s.rateOff()).isEqualTo(new EventsSummary.Spread(10_000, 9_000, 11_000));
    assertThat(s.rateOn()).isEqualTo(new EventsSummary.Spread(8_000, 7_000, 9_000));
    assertThat(s.ratio()).isCloseTo(0.8, within(1e-9));
    assertThat(s.lossPercent()).isCloseTo(20, within(1e-9));
    // 1/8000 s - 1/10000 s = 25 us
    assertThat(s.wallNanosPerConnect()).isCloseTo(25_000, within(1e-6));
    assertThat(s.processCpuOff().median()).isCloseTo(50_000, within(1e-6));
    assertThat(s.processCpuOn().median()).isCloseTo(60_000, within(1e-6));
    assertThat(s.coverage().min()).isCloseTo(99, within(1e-9));
    assertThat(s.coverage().median()).isCloseTo(100, within(1e-9));
    assertThat(s.lost()).isEqualTo(2);
    assertThat(s.maxMapBytes()).isEqualTo(1 << 20);
  }

  @Test
  void evenCountsTakeTheMeanOfTheMiddleTwo() {
    EventsSummary s =
        new EventsSummary(List.of(off(100, 1), off(300, 1), on(50, 1, 50, 0), on(70, 1, 70, 0)));
    assertThat(s.rateOff().median()).isEqualTo(200);
    assertThat(s.rateOn().median()).isEqualTo(60);
  }

  @Test
  void needsBothSides() {
    assertThatThrownBy(() -> new EventsSummary(List.of(off(1, 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void roundLineShowsCoverageOnlyForTracedRounds() {
    assertThat(EventsReport.roundLine(1, off(10_000, 500_000_000))).doesNotContain("seen");
    assertThat(EventsReport.roundLine(2, on(8_000, 480_000_000, 7_992, 3)))
        .contains("round 2 on", "8,000 conn/s", "seen 7,992 of 8,000 (99.90%)", "lost 3")
        .contains("maps 1.0 MiB");
  }
}
