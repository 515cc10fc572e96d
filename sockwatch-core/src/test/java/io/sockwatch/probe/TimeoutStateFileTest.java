package io.sockwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.MeasuredTimeouts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeoutStateFileTest {

  @TempDir Path dir;

  private static MeasuredTimeout m(String host, double lo, double hi, long at) {
    return new MeasuredTimeout(IpAddress.parse(host), 7007, lo, hi, at);
  }

  @Test
  void savesReplacesPerHostAndLoadsBack() throws IOException {
    Path f = dir.resolve("sub/middlebox-timeouts");
    TimeoutStateFile.save(f, m("10.0.0.1", 18.75, 20, 100));
    TimeoutStateFile.save(f, m("::1", 0, 5, 101));
    TimeoutStateFile.save(f, m("10.0.0.1", 30, 32.5, 102));
    MeasuredTimeouts loaded = TimeoutStateFile.load(f);
    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.entries()).containsExactly(m("::1", 0, 5, 101), m("10.0.0.1", 30, 32.5, 102));
    assertThat(Files.readString(f)).contains("10.0.0.1 7007 30 32.5 102\n");
    assertThat(loaded.timeouts().forPeer(IpAddress.parse("::ffff:10.0.0.1")))
        .contains(m("10.0.0.1", 30, 32.5, 102));
    try (var files = Files.list(f.getParent())) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void missingFileIsNothingMeasuredNotAProblem() {
    MeasuredTimeouts loaded = TimeoutStateFile.load(dir.resolve("absent"));
    assertThat(loaded.entries()).isEmpty();
    assertThat(loaded.problems()).isEmpty();
  }

  @Test
  void badLinesAreSkippedAndNamedOthersKept() {
    String text =
        """
        # comment
        10.0.0.1 7007 18.75 20 100
        10.0.0.2 7007 20 18 100
        not-an-ip 7007 1 2 3
        10.0.0.3 70000 1 2 3
        10.0.0.4 7007 1 2d 3
        10.0.0.5 7007
        ::1 9 0 5 7
        """;
    MeasuredTimeouts loaded = TimeoutStateFile.parse(text, "F");
    // Oldest first, as the file keeps them.
    assertThat(loaded.entries())
        .containsExactly(
            new MeasuredTimeout(IpAddress.parse("::1"), 9, 0, 5, 7), m("10.0.0.1", 18.75, 20, 100));
    assertThat(loaded.problems())
        .containsExactly(
            "F line 3 skipped: died_s must be larger than survived_s",
            "F line 4 skipped: not an IP address: 'not-an-ip'",
            "F line 5 skipped: port out of range: '70000'",
            "F line 6 skipped: died_s out of range: '2d'",
            "F line 7 skipped: expected 5 fields (host port survived died at)");
  }

  @Test
  void keepsOnlyTheNewestEntries() throws IOException {
    Path f = dir.resolve("t");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      sb.append("10.1.")
          .append(i / 256)
          .append('.')
          .append(i % 256)
          .append(" 1 1 2 ")
          .append(i)
          .append('\n');
    }
    Files.writeString(f, sb);
    assertThat(TimeoutStateFile.load(f).entries()).hasSize(TimeoutStateFile.MAX_ENTRIES);
    TimeoutStateFile.save(f, m("10.9.9.9", 1, 2, 1000));
    var entries = TimeoutStateFile.load(f).entries();
    assertThat(entries).hasSize(TimeoutStateFile.MAX_ENTRIES);
    assertThat(entries.getFirst().measuredAtEpochSecond()).isEqualTo(45);
    assertThat(entries.getLast()).isEqualTo(m("10.9.9.9", 1, 2, 1000));
  }

  @Test
  void unreadableAndOversizedFilesAreProblemsNotExceptions() throws IOException {
    Path big = dir.resolve("big");
    Files.write(big, new byte[TimeoutStateFile.MAX_BYTES + 1]);
    assertThat(TimeoutStateFile.load(big).problems())
        .singleElement()
        .asString()
        .contains("larger than");
    assertThat(TimeoutStateFile.load(dir).problems())
        .singleElement()
        .asString()
        .contains("not readable");
  }

  @Test
  void defaultPathFollowsTheEnvironment() {
    assertThat(TimeoutStateFile.defaultPath(Map.of("SOCKWATCH_STATE_DIR", "/s", "HOME", "/h")))
        .isEqualTo(Path.of("/s/middlebox-timeouts"));
    assertThat(TimeoutStateFile.defaultPath(Map.of("XDG_STATE_HOME", "/x", "HOME", "/h")))
        .isEqualTo(Path.of("/x/sockwatch/middlebox-timeouts"));
    assertThat(TimeoutStateFile.defaultPath(Map.of("HOME", "/h")))
        .isEqualTo(Path.of("/h/.local/state/sockwatch/middlebox-timeouts"));
    assertThat(TimeoutStateFile.defaultPath(Map.of()))
        .isEqualTo(Path.of("/var/lib/sockwatch/middlebox-timeouts"));
  }
}
