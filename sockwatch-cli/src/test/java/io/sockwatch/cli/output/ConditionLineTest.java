package io.sockwatch.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.ConditionCheck;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one line of {@code doctor --check}: what it says, and that it always fits. */
class ConditionLineTest {

  private static Finding finding(String title) {
    return new Finding(
        "close-wait", "k", Severity.CRITICAL, title, Subject.NODE, List.of(), Optional.empty(), "");
  }

  private static ConditionCheck check(List<Finding> setting, List<String> undecided) {
    return new ConditionCheck(
        NodeCondition.SOCKET_LEAK, setting, undecided, new DoctorReport(setting, List.of(), 0, 1));
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void okIsTheTypeAndOk() {
    assertThat(ConditionLine.of(check(List.of(), List.of()), 80)).isEqualTo("SocketLeak: ok");
  }

  @Test
  void aShortTitleIsShownWhole() {
    assertThat(ConditionLine.of(check(List.of(finding("java(12) leaks")), List.of()), 80))
        .isEqualTo("SocketLeak: java(12) leaks");
  }

  @Test
  void aLongTitleIsCutAtAWordAndTheCountOfOthersSurvives() {
    String title =
        "java(23367) has not closed 200 connections its peers closed (CLOSE_WAIT, oldest 18 s)";
    String line = ConditionLine.of(check(List.of(finding(title), finding("other")), List.of()), 80);
    assertThat(bytes(line)).isLessThanOrEqualTo(80);
    assertThat(line)
        .startsWith("SocketLeak: java(23367) has not closed 200")
        .endsWith("... (+1 more)");
    // Cut between words, not inside one.
    String kept = line.substring(0, line.indexOf("..."));
    assertThat(title).contains(kept.substring("SocketLeak: ".length()) + " ");
  }

  @Test
  void unknownSaysWhy() {
    String line =
        ConditionLine.of(check(List.of(), List.of("tcp-memory: tcp_mem not readable")), 80);
    assertThat(line).isEqualTo("SocketLeak: unknown: tcp-memory: tcp_mem not readable");
    assertThat(ConditionLine.unknown("SocketLeak", "no /proc", 80))
        .isEqualTo("SocketLeak: unknown: no /proc");
  }

  @Test
  void controlCharactersCannotBreakTheLine() {
    String line = ConditionLine.of(check(List.of(finding("evil\nname\r\t(1)")), List.of()), 80);
    assertThat(line).isEqualTo("SocketLeak: evil name  (1)");
  }

  @Test
  void multiByteTextIsCountedInBytesAndNeverSplit() {
    String title = "прокси(7) ".repeat(20);
    String line = ConditionLine.of(check(List.of(finding(title)), List.of()), 80);
    assertThat(bytes(line)).isLessThanOrEqualTo(80);
    assertThat(line).endsWith("...").doesNotContain("\uFFFD");
    assertThat(new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(line);
  }

  /** Seed 7489108746553 of the test below found it: the prefix's space is no place to cut. */
  @Test
  void aTitleOfOneLongWordKeepsTheTypePrefix() {
    String line =
        ConditionLine.of(
            check(List.of(finding("€".repeat(50)), finding("x"), finding("y")), List.of()), 40);
    assertThat(line).startsWith("SocketLeak: ").endsWith("... (+2 more)");
    assertThat(bytes(line)).isLessThanOrEqualTo(40);
  }

  /** Random titles (seeded, printed on failure) of any length and script always fit any bound. */
  @Test
  void everyLineFitsItsBound() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    String alphabet = "ab cd\tе€😀(1)\n";
    for (int i = 0; i < 2000; i++) {
      StringBuilder title = new StringBuilder();
      int n = r.nextInt(300);
      for (int j = 0; j < n; j++) {
        title.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(13))));
      }
      int max = ConditionLine.MIN_MAX_LENGTH + r.nextInt(200);
      List<Finding> setting =
          r.nextBoolean()
              ? List.of(finding(title.toString()))
              : List.of(finding(title.toString()), finding("x"), finding("y"));
      String line = ConditionLine.of(check(setting, List.of()), max);
      assertThat(bytes(line)).as("seed %d, max %d: %s", seed, max, line).isLessThanOrEqualTo(max);
      assertThat(line).as("seed %d", seed).doesNotContain("\n").startsWith("SocketLeak: ");
    }
  }
}
