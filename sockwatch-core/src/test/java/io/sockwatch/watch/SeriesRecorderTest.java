package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.history.History;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.watch.HistoryConfig;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesRecorderTest {

  private static final long T0 = TrendFixture.NOW;

  private static NodeStats opens(long active, long passive) {
    NodeStats base = TrendFixture.node(new PortRange(32768, 60999));
    return new NodeStats(
        Map.of(),
        Map.of("Tcp", Map.of("ActiveOpens", active, "PassiveOpens", passive)),
        Map.of(),
        base.tunables(),
        List.of());
  }

  private static Instant at(long second, long millis) {
    return Instant.ofEpochSecond(second).plusMillis(millis);
  }

  @Test
  void counterRatesUseTheExactTimeAndLoseNothingToTicksInOneSecond() {
    History h = new History(HistoryConfig.DEFAULTS);
    SeriesRecorder r = new SeriesRecorder();
    r.recordNode(h, at(T0, 900), opens(100, 10));
    // 1.5 s later
    r.recordNode(h, at(T0 + 2, 400), opens(250, 10));
    // a late tick in the same second: no point, and its 150 opens must not be lost
    r.recordNode(h, at(T0 + 2, 950), opens(400, 10));
    r.recordNode(h, at(T0 + 3, 400), opens(450, 40));

    Range active = h.range(SeriesNames.node(SeriesNames.ACTIVE_OPENS), T0, T0 + 3, 1);
    assertThat(active.timestamps()).containsExactly(T0 + 2, T0 + 3);
    assertThat(active.values()[0]).isCloseTo(100, within(1e-3));
    assertThat(active.values()[1]).isCloseTo(200, within(1e-3));
    Range passive = h.range(SeriesNames.node(SeriesNames.PASSIVE_OPENS), T0, T0 + 3, 1);
    assertThat(passive.values()[1]).isCloseTo(30, within(1e-3));
  }

  @Test
  void aCounterGoingBackwardsGivesNoRate() {
    History h = new History(HistoryConfig.DEFAULTS);
    SeriesRecorder r = new SeriesRecorder();
    r.recordNode(h, at(T0, 0), opens(1000, 10));
    r.recordNode(h, at(T0 + 1, 0), opens(5, 10));
    r.recordNode(h, at(T0 + 2, 0), opens(25, 10));
    Range active = h.range(SeriesNames.node(SeriesNames.ACTIVE_OPENS), T0, T0 + 2, 1);
    assertThat(active.timestamps()).containsExactly(T0 + 2);
    assertThat(active.values()[0]).isCloseTo(20, within(1e-3));
  }
}
