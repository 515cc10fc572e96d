package io.sockwatch.cli.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real {@code promtool} on the shipped rules: {@code check rules} (syntax, PromQL, templates)
 * and {@code test rules} on deploy/prometheus/sockwatch-rules.test.yaml (each alert fires when it
 * should, with its labels and rendered annotations, and stays quiet on a healthy node and one just
 * below every threshold). A missing promtool fails the test: ./test installs Debian's {@code
 * prometheus} package.
 */
@Tag("live")
class PromtoolRulesLiveTest {

  private record Run(int exit, String output) {}

  private static Run promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .directory(DeployFiles.path(Path.of("deploy", "prometheus")).toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      fail("promtool was not found on PATH (apt-get install prometheus; ./test does): " + e);
      return null;
    }
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(unreadable: " + e + ")";
              }
            });
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool " + List.of(args) + " did not finish in 120 s");
    }
    return new Run(p.exitValue(), out.join());
  }

  @Test
  void theRulesPassPromtoolCheckRules() throws Exception {
    Run r = promtool("check", "rules", "sockwatch-rules.yaml");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 11 rules found");
  }

  @Test
  void theRuleUnitTestsPass() throws Exception {
    Run r = promtool("test", "rules", "sockwatch-rules.test.yaml");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").doesNotContain("FAILED");
  }
}
