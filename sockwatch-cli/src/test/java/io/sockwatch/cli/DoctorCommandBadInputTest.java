package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad flags are one-line errors (exit 2); an unreadable kernel gives the "unknown" verdict. */
class DoctorCommandBadInputTest {

  @TempDir Path root;

  @Test
  void badFlagsAreOneLineErrors() {
    for (String[] args :
        new String[][] {
          {"doctor", "--interval", "soon"},
          {"doctor", "--interval", "11m"},
          {"doctor", "--middlebox-idle", "0s"},
          {"doctor", "--expect-heartbeat", "5672"},
          {"doctor", "--expect-heartbeat", "70000=10s"},
          {"doctor", "--expect-heartbeat", "5672=never"},
          {"doctor", "--set", "no.such.threshold=1"},
          {"doctor", "--set", "conntrack.warning"},
          {"doctor", "--set", "conntrack.warning=lots"},
          {"doctor", "--output", "xml"},
          {"doctor", "--source", "tea-leaves"},
          {"doctor", "--netns", "a/b"},
          {"doctor", "--netns", "pid:0"},
          {"doctor", "--netns", "0"},
          {"doctor", "--netns", "99999999999999999999"},
          {"plan", "--nodes", "5", "--netns", "all"},
          {"doctor", "--check", "DiskPressure"},
          {"doctor", "--check", "socketleak"},
          {"doctor", "--check", "SocketLeak", "-o", "json"},
          {"doctor", "--check", "SocketLeak", "--max-length", "10"},
          {"doctor", "--check", "SocketLeak", "--max-length", "many"},
          {"doctor", "--max-length", "80"},
        }) {
      assertOneLineError(args);
    }
  }

  /** A namespace name is looked up in this host's live inventory (every process's /proc). */
  @Tag("live")
  @Test
  void anUnknownNamespaceIsAOneLineError() {
    for (String[] args :
        new String[][] {
          {"doctor", "--netns", "no-such-namespace-here"},
          {"plan", "--nodes", "5", "--netns", "no-such-namespace-here"},
        }) {
      assertOneLineError(args);
    }
  }

  @Test
  void noReadableSocketTableIsTheUnknownVerdict() {
    CliRun run = CliRun.of("doctor", "--once", "--root", root.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out().lines().findFirst().orElseThrow())
        .startsWith("sockwatch doctor: unknown: ")
        .contains("/proc");
    assertThat(run.err()).doesNotContain("Exception");
  }

  @Test
  void anUnknownConditionNamesTheValidOnes() {
    CliRun run = CliRun.of("doctor", "--check", "DiskPressure");
    assertThat(run.err().lines().findFirst().orElseThrow())
        .isEqualTo(
            "sockwatch: --check: unknown condition 'DiskPressure'; one of TCPMemoryPressure,"
                + " EphemeralPortPressure, SocketLeak, ConntrackPressure");
  }

  /** node-problem-detector's Unknown: one line within the bound, exit 2, for every condition. */
  @Test
  void noReadableSocketTableIsAnUnknownCheck() {
    for (String type :
        List.of("TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure")) {
      CliRun run = CliRun.of("doctor", "--check", type, "--root", root.toString());
      assertThat(run.exitCode()).as(type).isEqualTo(2);
      assertThat(run.out().lines().toList()).as(type).hasSize(1);
      assertThat(run.out().strip()).startsWith(type + ": unknown: ");
      assertThat(run.out().strip().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(80);
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void damagedCountersStillGiveAVerdictAndSayWhatWasMissing() throws IOException {
    Path tcp = root.resolve("proc/net/tcp");
    Files.createDirectories(tcp.getParent());
    Files.writeString(
        tcp,
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
            + " inode\n"
            + "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  "
            + "      0 4242 1 0000000000000000 100 0 0 10 0\n");
    Files.writeString(root.resolve("proc/net/sockstat"), "TCP: inuse 1 orph"); // truncated
    CliRun run = CliRun.of("doctor", "--once", "--root", root.toString(), "-o", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    String unavailable = run.json().get("unavailable").toString();
    assertThat(unavailable).contains("sockstat").contains("tcp_mem").contains("tcp_info");
  }

  @Test
  void listsEveryThresholdWithItsDefault() {
    CliRun run = CliRun.of("doctor", "--list-thresholds");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("conntrack.warning").contains("75%");
    // The defaults form one column however long a threshold's name is.
    assertThat(run.out().lines().map(DoctorCommandBadInputTest::defaultColumnEnd).distinct())
        .hasSize(1);
  }

  private static void assertOneLineError(String... args) {
    CliRun run = CliRun.of(args);
    String what = String.join(" ", args);
    assertThat(run.exitCode()).as(what).isEqualTo(2);
    assertThat(run.err()).as(what).startsWith("sockwatch: ").doesNotContain("Exception");
    assertThat(run.err().lines().count()).as(what).isEqualTo(2); // the error and "Try ... --help"
    assertThat(run.out()).as(what).isEmpty();
  }

  private static int defaultColumnEnd(String line) {
    var m = Pattern.compile("^\\S+\\s+\\S+").matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return m.end();
  }
}
