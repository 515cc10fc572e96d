package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.model.ProcessInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class LimitsTextTest {

  private static long parse(String text) {
    byte[] raw = text.getBytes(StandardCharsets.US_ASCII);
    return LimitsText.maxOpenFiles(raw, raw.length);
  }

  @Test
  void readsTheSoftLimitOfOpenFiles() {
    String table =
        "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max processes             96365                96365                processes \n"
            + "Max open files            1024                 524288               files     \n"
            + "Max locked memory         8388608              8388608              bytes     \n";
    assertThat(parse(table)).isEqualTo(1024);
  }

  @Tag("live")
  @Test
  void liveFileOfThisProcessMatchesTheJvmView() throws Exception {
    String text = Files.readString(Path.of("/proc/self/limits"));
    String line = text.lines().filter(l -> l.startsWith("Max open files")).findFirst().get();
    long expected = Long.parseLong(line.substring(26).trim().split(" +")[0]);
    assertThat(parse(text)).isEqualTo(expected).isPositive();
  }

  @Test
  void missingUnlimitedOrMalformedIsAbsent() {
    assertThat(parse("")).isEqualTo(ProcessInfo.ABSENT);
    assertThat(parse("Max processes             96365   96365   processes\n"))
        .isEqualTo(ProcessInfo.ABSENT);
    assertThat(parse("Max open files            unlimited   unlimited   files\n"))
        .isEqualTo(ProcessInfo.ABSENT);
    assertThat(parse("Max open files            12x   12   files\n")).isEqualTo(ProcessInfo.ABSENT);
    assertThat(parse("Max open filesystems      12   12\n")).isEqualTo(ProcessInfo.ABSENT);
    assertThat(parse("Max open files            99999999999999999999999   1\n"))
        .isEqualTo(ProcessInfo.ABSENT);
  }

  @Test
  void valueAtTheEndOfATruncatedFileStillParses() {
    assertThat(parse("Max open files            4096")).isEqualTo(4096);
  }

  /** Arbitrary bytes never throw and give a non-negative limit or absent. */
  @FuzzTest
  void neverThrows(byte[] data) {
    long v = LimitsText.maxOpenFiles(data, data.length);
    assertThat(v == ProcessInfo.ABSENT || v >= 0).isTrue();
  }
}
