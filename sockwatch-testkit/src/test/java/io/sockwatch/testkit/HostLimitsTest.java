package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class HostLimitsTest {

  @Test
  void parsesRecordedProcTexts() {
    assertThat(
            HostLimits.openFilesSoft(
                """
                Limit                     Soft Limit           Hard Limit           Units
                Max open files            20000                20000                files
                """))
        .isEqualTo(20_000);
    assertThat(HostLimits.openFilesSoft("Max open files  unlimited  unlimited  files"))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(
            HostLimits.sockstatTimeWait(
                """
                sockets: used 999960
                TCP: inuse 999948 orphan 0 tw 17 alloc 999949 mem 233
                UDP: inuse 0 mem 0
                """))
        .isEqualTo(17);
    assertThat(HostLimits.memAvailableKib("MemTotal: 1 kB\nMemAvailable:   21394164 kB\n"))
        .isEqualTo(21_394_164);
    assertThat(HostLimits.field("1000402\t0\t2466183\n", 2)).isEqualTo(2_466_183);
  }

  @Test
  void missingOrGarbledValuesAreAbsentNotZero() {
    assertThat(HostLimits.openFilesSoft("")).isEqualTo(HostLimits.ABSENT);
    assertThat(HostLimits.sockstatTimeWait("TCP: inuse 3")).isEqualTo(HostLimits.ABSENT);
    assertThat(HostLimits.field("x", 0)).isEqualTo(HostLimits.ABSENT);
    assertThat(HostLimits.field("1", 3)).isEqualTo(HostLimits.ABSENT);
  }

  @Tag("live")
  @Test
  void readsThisHost() {
    HostLimits l = HostLimits.read();

    assertThat(l.openFilesSoft()).isPositive();
    assertThat(l.fileMax()).isGreaterThan(l.openFilesSoft() / 2);
    assertThat(l.portRangeSize()).isPositive();
    assertThat(l.timeWaitMax()).isPositive();
  }
}
