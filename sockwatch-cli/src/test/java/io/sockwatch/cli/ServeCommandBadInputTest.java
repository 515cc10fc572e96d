package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve refuses what it cannot obey with one line and exit 2, before it starts sampling. */
class ServeCommandBadInputTest {

  @Test
  void badFlagsAreOneLineErrors() {
    for (String[] args :
        new String[][] {
          {"serve", "--listen", "nowhere"},
          {"serve", "--listen", "127.0.0.1:70000"},
          {"serve", "--listen", "127.0.0.1:http"},
          {"serve", "--interval", "500ms"},
          {"serve", "--interval", "11m"},
          {"serve", "--cpu-budget", "0%"},
          {"serve", "--cpu-budget", "150%"},
          {"serve", "--cpu-budget", "some"},
          {"serve", "--top", "0"},
          {"serve", "--top", "many"},
          {"serve", "--leak-window", "5s"},
          {"serve", "--open-after", "0"},
          {"serve", "--resolve-after", "2d"},
          {"serve", "--resolve-after", "3f"},
          {"serve", "--set", "no.such.threshold=1"},
          {"serve", "--source", "tea-leaves"},
          {"serve", "--netns", "pid:abc"},
          {"serve", "--netns", ".."},
          {"serve", "--metrics-listen", "9737"},
          {"serve", "--metrics-listen", "0.0.0.0:99999"},
          {"serve", "--web-config", "/no/such/web-config.yml"},
          {"serve", "--web-config", "/"},
          {"serve", "--web-config", "/proc/self/status"},
        }) {
      String what = String.join(" ", args);
      // bounded: a flag serve wrongly accepted would start the agent and never return
      CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> CliRun.of(args), what);
      assertThat(run.exitCode()).as(what).isEqualTo(2);
      assertThat(run.err()).as(what).startsWith("sockwatch: ").doesNotContain("Exception");
      assertThat(run.err().lines().count()).as(what).isEqualTo(2);
      assertThat(run.out()).as(what).isEmpty();
    }
  }

  /** A web config that cannot be used stops serve with the file, the key and why, in one line. */
  @Test
  void anUnusableWebConfigIsOneLineNamingFileAndKey(@TempDir Path dir) throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("web.yml"),
            "tls_server_config:\n  cert_file: absent.crt\n  key_file: absent.key\n");
    CliRun run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> CliRun.of("serve", "--web-config", config.toString()));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines().findFirst().orElseThrow())
        .isEqualTo(
            "sockwatch: --web-config tls_server_config.cert_file "
                + dir.resolve("absent.crt")
                + ": no such file");
    Files.writeString(config, "basic_auth_users:\n  prometheus: hunter2\n");
    run = CliRun.of("serve", "--web-config", config.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines().findFirst().orElseThrow())
        .startsWith("sockwatch: --web-config " + config + ": basic_auth_users.prometheus: not a")
        .doesNotContain("hunter2");
  }

  /** A namespace name is looked up in this host's live inventory (every process's /proc). */
  @Tag("live")
  @Test
  void anUnknownNamespaceIsAOneLineError() {
    CliRun run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> CliRun.of("serve", "--netns", "no-such-namespace-here"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("sockwatch: ").doesNotContain("Exception");
    assertThat(run.err().lines().count()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
  }

  @Tag("live")
  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String listen = "127.0.0.1:" + taken.getLocalPort();
      CliRun run = CliRun.of("serve", "--listen", listen);
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).startsWith("sockwatch: cannot listen on " + listen);
    }
  }

  @Test
  void thresholdsOfEveryDetectorAreListed() {
    CliRun run = CliRun.of("serve", "--list-thresholds");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("ephemeral-ports.warning").contains("close-wait");
  }
}
