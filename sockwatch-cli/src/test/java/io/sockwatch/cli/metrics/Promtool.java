package io.sockwatch.cli.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code promtool check metrics}: parses an exposition as Prometheus would and lints its
 * names, types and help. A missing promtool fails the test (CI installs Debian's {@code prometheus}
 * package), so a check that did not run is never mistaken for one that passed.
 */
public final class Promtool {

  private Promtool() {}

  /** Asserts that promtool accepts {@code exposition} and prints nothing (no lint problem). */
  public static void assertPasses(String exposition) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(
          "promtool is needed to check /metrics and was not found on PATH (apt-get install"
              + " prometheus; .ci/run does): "
              + e.getMessage());
      return;
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(unreadable: " + e + ")";
              }
            });
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool check metrics did not finish in 60 s");
    }
    String printed = output.join();
    assertThat(p.exitValue()).as("promtool exit status; it said: %s", printed).isZero();
    assertThat(printed).as("promtool lint output").isEmpty();
  }
}
