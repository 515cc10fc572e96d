package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProberArgsTest {

  @Test
  void parsesEveryOptionAndThePeersInOrder() {
    ProberArgs a =
        ProberArgs.parse(
            List.of(
                "--listen",
                "127.0.0.10:8558",
                "--bind",
                "127.0.0.10",
                "--interval-ms",
                "250",
                "--rounds",
                "7",
                "--start",
                "127.0.0.11:8558",
                "127.0.0.12:8558"));
    assertThat(a)
        .isEqualTo(
            new ProberArgs(
                "127.0.0.10:8558",
                "127.0.0.10",
                250,
                7,
                true,
                List.of("127.0.0.11:8558", "127.0.0.12:8558")));
  }

  @Test
  void defaultsToOneSecondAndAsManyRoundsAsFitInTheBoundedRun() {
    ProberArgs a = ProberArgs.parse(List.of("127.0.0.6:8559"));
    assertThat(a.intervalMillis()).isEqualTo(1000);
    assertThat(a.rounds()).isEqualTo(ProberArgs.DEFAULT_SECONDS);
    assertThat(a.startNow()).isFalse();
    assertThat(a.listen()).isNull();
    assertThat(ProberArgs.parse(List.of("--interval-ms", "100", "x:1")).rounds())
        .isEqualTo(ProberArgs.DEFAULT_SECONDS * 10);
  }

  @Test
  void toArgsParsesBackToTheSameRecord() {
    ProberArgs a = HerdProbers.args(3, 5, 8558, Duration.ofMillis(1500));
    assertThat(ProberArgs.parse(a.toArgs())).isEqualTo(a);
    assertThat(a.listen()).isEqualTo("127.0.0.13:8558");
    assertThat(a.bind()).isEqualTo("127.0.0.13");
    assertThat(a.peers())
        .containsExactly(
            "127.0.0.10:8558", "127.0.0.11:8558", "127.0.0.12:8558", "127.0.0.14:8558");
  }

  @Test
  void rejectsBadInputWithOneLine() {
    assertThatThrownBy(() -> ProberArgs.parse(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nothing to do");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("--interval-ms", "0", "a:1")))
        .hasMessageContaining("--interval-ms must be");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("--interval-ms", "x", "a:1")))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("--rounds")))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("--loud", "a:1")))
        .hasMessageContaining("unknown option --loud");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("127.0.0.1")))
        .hasMessageContaining("expected ADDR:PORT");
    assertThatThrownBy(() -> ProberArgs.parse(List.of("127.0.0.1:70000")))
        .hasMessageContaining("port must be");
  }
}
