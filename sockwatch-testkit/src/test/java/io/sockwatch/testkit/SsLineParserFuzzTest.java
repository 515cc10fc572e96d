package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.regex.Pattern;

class SsLineParserFuzzTest {

  private static final Pattern ENDPOINT =
      Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+\\]):\\d{1,5}");

  /**
   * Any bytes: the parser returns null or an entry whose parts are canonical, and parsing the
   * entry's own rendering gives the same entry back (normalisation is idempotent).
   */
  @FuzzTest(maxDuration = "2m")
  void parsesAnyBytesToNullOrCanonicalEntry(byte[] line) {
    SsLineParser parser = new SsLineParser();

    SsEntry e = parser.parse(line, 0, line.length);

    if (e == null) {
      return;
    }
    assertThat(List.of(SsLineParser.STATES)).contains(e.state());
    assertThat(e.local()).matches(ENDPOINT);
    assertThat(e.peer()).matches(ENDPOINT);
    assertThat(parser.parse(e.state() + " 0 0 " + e.local() + " " + e.peer())).isEqualTo(e);
  }
}
