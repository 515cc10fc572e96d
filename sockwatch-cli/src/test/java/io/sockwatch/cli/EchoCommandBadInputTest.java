package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * echo refuses an address it cannot parse with exit 2 and the usage lines, and one it cannot listen
 * on with exit 3 and one line naming the address and the kernel's reason. In both cases it returns:
 * a wrongly accepted argument would start serving and never return, which the time bound catches.
 */
class EchoCommandBadInputTest {

  @Test
  void badAddressesAndLimitsAreOneLineUsageErrors() {
    for (String[] args :
        new String[][] {
          {"--listen", "127.0.0.1"},
          {"--listen", "127.0.0.1:"},
          {"--listen", "127.0.0.1:0"},
          {"--listen", "127.0.0.1:70000"},
          {"--listen", "127.0.0.1:http"},
          {"--listen", "::1:7007"},
          {"--listen", "[::1]"},
          {"--listen", ""},
          {"--max-connections", "0"},
          {"--max-connections", "-1"},
          {"--max-connections", "65537"},
          {"--max-connections", "many"},
          {"--no-such-option"},
        }) {
      usageError(args);
    }
  }

  @Test
  void eachBadAddressSaysWhatIsWrongWithIt() {
    assertThat(usageError("--listen", "127.0.0.1:0").err())
        .startsWith("sockwatch: --listen: port 0 is out of range (1-65535)");
    assertThat(usageError("--listen", "127.0.0.1:http").err())
        .startsWith("sockwatch: --listen: 'http' is not a port number");
    assertThat(usageError("--listen", "::1:7007").err())
        .startsWith("sockwatch: --listen takes HOST:PORT (IPv6 as [ADDR]:PORT)");
  }

  /** A name goes to this host's resolver (a DNS query over the network), so this test is live. */
  @Tag("live")
  @Test
  void aHostThatDoesNotResolveIsAUsageError() {
    assertThat(usageError("--listen", "nosuch.invalid:7007").err())
        .startsWith("sockwatch: --listen: cannot resolve host 'nosuch.invalid'");
  }

  @Tag("live")
  @Test
  void aPortAlreadyTakenIsOneLineAndExit3() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String listen = "127.0.0.1:" + taken.getLocalPort();
      CliRun run = cannotListen("--listen", listen);
      assertThat(run.err())
          .isEqualTo("sockwatch echo: cannot listen on " + listen + ": Address already in use\n");
    }
  }

  @Tag("live")
  @Test
  void anAddressNotOnThisHostIsOneLineAndExit3() {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never assigned to an interface.
    CliRun run = cannotListen("--listen", "192.0.2.1:7007");
    assertThat(run.err())
        .isEqualTo(
            "sockwatch echo: cannot listen on 192.0.2.1:7007: Cannot assign requested address\n");
  }

  private static CliRun cannotListen(String... args) {
    CliRun run = bounded(args);
    String what = "echo " + String.join(" ", args);
    assertThat(run.exitCode()).as(what + "\n" + run.err()).isEqualTo(3);
    assertThat(run.err().lines().count()).as(what).isEqualTo(1);
    assertThat(run.err()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).as(what).isEmpty();
    return run;
  }

  private static CliRun usageError(String... args) {
    CliRun run = bounded(args);
    String what = "echo " + String.join(" ", args);
    assertThat(run.exitCode()).as(what + "\n" + run.err()).isEqualTo(2);
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(what).hasSize(2);
    assertThat(lines.get(0)).as(what).startsWith("sockwatch: ");
    assertThat(lines.get(1)).as(what).isEqualTo("Try 'sockwatch echo --help'.");
    assertThat(run.err()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).as(what).isEmpty();
    return run;
  }

  private static CliRun bounded(String... args) {
    List<String> full = new ArrayList<>(List.of("echo"));
    full.addAll(List.of(args));
    return assertTimeoutPreemptively(
        Duration.ofSeconds(20), () -> CliRun.of(full.toArray(String[]::new)), full.toString());
  }
}
