package io.sockwatch.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzzes the web config parser and the PEM reader with arbitrary bytes: the parser may only say
 * {@link WebConfigException} (with a one-line message), the reader only {@link
 * IllegalArgumentException}; neither may throw anything else or hang. Runs the seeds in {@code
 * WebConfigFuzzTestInputs/} in a normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class WebConfigFuzzTest {

  @FuzzTest
  void webConfig(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    try {
      WebConfig c = WebConfigParser.parse(text, Path.of("/etc/sockwatch"));
      c.tls().ifPresent(t -> assertThat(t.protocols()).isNotEmpty());
      assertThat(c.users().keySet()).allMatch(u -> !u.isEmpty() && !u.contains(":"));
    } catch (WebConfigException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @FuzzTest
  void pem(byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    try {
      PemReader.privateKey(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      assertThat(PemReader.certificates(text)).isNotEmpty();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      PemReader.fromSec1(data);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
