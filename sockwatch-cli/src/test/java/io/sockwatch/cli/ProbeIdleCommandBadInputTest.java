package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sockwatch.cli.testing.ClosedPort;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * probe-idle refuses what it cannot obey (a target it cannot connect to as written, durations,
 * percentages and keepalive times it cannot honour) with exit 2, one {@code sockwatch:} line and
 * the {@code Try} line, before it opens a single connection.
 *
 * <p>Every valid-looking argument points at a loopback port nobody listens on (tcpmux, port 1), so
 * an argument wrongly accepted ends at once with exit 3 (refused) instead of probing, and the test
 * fails on the exit code rather than hanging. Only the test that is meant to get as far as
 * connecting finds a port that is certainly closed, by opening a socket, and is therefore live.
 */
class ProbeIdleCommandBadInputTest {

  /** Never connected to while the parser does its job: every use expects a usage error. */
  private static final String CLOSED = "127.0.0.1:1";

  @Test
  void badTargetsAreOneLineUsageErrors() {
    for (String target :
        List.of(
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:0",
            "127.0.0.1:70000",
            "127.0.0.1:-1",
            "127.0.0.1:http",
            "0.0.0.0:7",
            "[::]:7",
            "::1:7007",
            "[::1]",
            "[::1]x:7007",
            ":7007",
            "",
            " ")) {
      CliRun run = usageError("--target", target);
      assertThat(run.err()).as(target).contains("--target");
    }
  }

  @Test
  void eachBadTargetSaysWhatIsWrongWithIt() {
    assertThat(usageError("--target", "127.0.0.1").err())
        .startsWith("sockwatch: --target takes HOST:PORT (IPv6 as [ADDR]:PORT)");
    assertThat(usageError("--target", "127.0.0.1:70000").err())
        .startsWith("sockwatch: --target: port 70000 is out of range (1-65535)");
    assertThat(usageError("--target", "127.0.0.1:0").err()).contains("port 0 is out of range");
    assertThat(usageError("--target", "127.0.0.1:http").err())
        .startsWith("sockwatch: --target: 'http' is not a port number");
    assertThat(usageError("--target", "0.0.0.0:7").err())
        .startsWith("sockwatch: --target: 0.0.0.0:7 is not a host to connect to");
    assertThat(usageError("--target", "::1:7007").err()).contains("[ADDR]:PORT", "'::1:7007'");
    assertThat(usageError("--target", "[::1]").err()).contains("[ADDR]:PORT", "'[::1]'");
    // The JDK resolves an empty host to loopback; a probe target is never guessed.
    assertThat(usageError("--target", ":7007").err()).contains("names no host");
  }

  /** A name goes to this host's resolver (a DNS query over the network), so this test is live. */
  @Tag("live")
  @Test
  void aTargetThatDoesNotResolveIsAUsageError() {
    CliRun run = usageError("--target", "nosuch.invalid:7007");
    assertThat(run.err()).startsWith("sockwatch: --target: cannot resolve host 'nosuch.invalid'");
  }

  @Test
  void aMissingTargetIsNamed() {
    CliRun run = usageError();
    assertThat(run.err()).startsWith("sockwatch: --target is required");
    assertThat(usageError("--min-idle", "5s").err()).startsWith("sockwatch: --target is required");
  }

  @Test
  void badDurationsPercentagesAndKeepaliveAreOneLineUsageErrors() {
    for (String[] args :
        new String[][] {
          {"--min-idle", "-5s"},
          {"--min-idle", "0"},
          {"--min-idle", "2d junk"},
          {"--min-idle", "2djunk"},
          {"--min-idle", "soon"},
          {"--min-idle", ""},
          {"--max-idle", "-1s"},
          {"--max-idle", "8d"},
          {"--max-idle", "NaN"},
          {"--max-idle", "1m", "--min-idle", "2m"},
          {"--min-idle", "2d"},
          {"--deadline", "-1s"},
          {"--deadline", "0"},
          {"--deadline", "Infinity"},
          {"--connect-timeout", "0"},
          {"--connect-timeout", "-2s"},
          {"--reply-timeout", "0s"},
          {"--reply-timeout", "fast"},
          {"--precision", "-5%"},
          {"--precision", "0%"},
          {"--precision", "100%"},
          {"--precision", "150%"},
          {"--precision", "%"},
          {"--precision", "ten"},
          {"--parallel", "0"},
          {"--parallel", "65"},
          {"--parallel", "2.5"},
          {"--keepalive-idle", "-1"},
          {"--keepalive-idle", "0"},
          {"--keepalive-idle", "1.5s"},
          {"--keepalive-idle", "500ms"},
          {"--keepalive-idle", "10h"},
          {"--keepalive-idle", "2d junk"},
          {"-o", "yaml"},
          {"--no-such-option"},
        }) {
      List<String> full = new ArrayList<>(List.of("--target", CLOSED));
      full.addAll(List.of(args));
      usageError(full.toArray(String[]::new));
    }
  }

  @Test
  void theMessagesNameTheLimitBroken() {
    assertThat(usageError("--target", CLOSED, "--max-idle", "1m", "--min-idle", "2m").err())
        .startsWith("sockwatch: --max-idle must not be shorter than --min-idle");
    assertThat(usageError("--target", CLOSED, "--keepalive-idle", "1.5s").err())
        .contains("--keepalive-idle must be whole seconds up to 32767");
    assertThat(usageError("--target", CLOSED, "--min-idle", "-5s").err())
        .startsWith("sockwatch: --min-idle: not a duration");
    assertThat(usageError("--target", CLOSED, "--precision", "150%").err())
        .contains("--precision must be a percentage between 0 and 100");
  }

  @Tag("live")
  @Test
  void aDeadlineShorterThanTheShortestTryIsRefusedAndOneJustLongEnoughIsNot() throws IOException {
    String closed = "127.0.0.1:" + ClosedPort.loopback();
    // The shortest try needs min-idle 10 s + connect 2 s + reply 2 s + 1 s slack = 15 s.
    String[] tight = {
      "--target", closed, "--min-idle", "10s", "--connect-timeout", "2s", "--reply-timeout", "2s"
    };
    CliRun refused = usageError(append(tight, "--deadline", "14s"));
    assertThat(refused.err())
        .startsWith("sockwatch: --deadline leaves no time for the shortest try")
        .contains("15 s");
    // At exactly 15 s the arguments are accepted: the run gets as far as the closed port.
    CliRun accepted = bounded(append(tight, "--deadline", "15s"));
    assertThat(accepted.exitCode()).as(accepted.err()).isEqualTo(3);
    assertThat(accepted.err()).startsWith("sockwatch probe-idle: " + closed + " refused");
  }

  private static String[] append(String[] a, String... more) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Runs {@code probe-idle ARGS} and checks the usage-error contract; returns the run. */
  private static CliRun usageError(String... args) {
    CliRun run = bounded(args);
    String what = "probe-idle " + String.join(" ", args);
    assertThat(run.exitCode()).as(what + "\n" + run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(what).hasSize(2);
    assertThat(lines.get(0)).as(what).startsWith("sockwatch: ");
    assertThat(lines.get(1)).as(what).isEqualTo("Try 'sockwatch probe-idle --help'.");
    assertThat(run.err()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).as(what).isEmpty();
    return run;
  }

  private static CliRun bounded(String... args) {
    List<String> full = new ArrayList<>(List.of("probe-idle"));
    full.addAll(List.of(args));
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20), () -> CliRun.of(full.toArray(String[]::new)), full.toString());
  }
}
