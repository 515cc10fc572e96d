package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code sockwatch plan} in-process: the published table as text and JSON, and bad flags. */
class PlanCommandTest {

  @TempDir Path root;

  @Test
  void textTablePrintsOneRowPerInterval() {
    CliRun run =
        CliRun.of(
            "plan",
            "--nodes",
            "20",
            "--interval",
            "1s",
            "--interval",
            "5s,10s",
            "--port-range",
            "32768-60999");

    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.err()).isEmpty();
    List<String> rows = run.out().lines().filter(l -> l.matches("^\\d+s\\s.*")).toList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).split("\\s+")).startsWith("1s", "1141", "1140");
    assertThat(rows.get(1).split("\\s+")).startsWith("5s", "229", "228");
    assertThat(rows.get(2).split("\\s+")).startsWith("10s", "115", "114");
    assertThat(run.out())
        .contains("20 nodes, each polls 19 peers")
        .contains("ports 32768-60999 (28232, --port-range)")
        .contains("run out below an interval of 2.13ms");
  }

  @Test
  void jsonCarriesTheForecastAndPersistentPollerSideIsTwenty() {
    CliRun run =
        CliRun.of("plan", "--nodes", "20", "--reuse", "--port-range", "32768-60999", "-o", "json");

    assertThat(run.exitCode()).isEqualTo(0);
    JsonNode json = run.json();
    assertThat(json.get("nodes").asInt()).isEqualTo(20);
    assertThat(json.get("reuse").asBoolean()).isTrue();
    assertThat(json.get("portRange").get("size").asInt()).isEqualTo(28232);
    JsonNode row = json.get("rows").get(0);
    assertThat(row.get("pollerSockets").asDouble()).isEqualTo(20.0);
    assertThat(row.get("totalSockets").asDouble()).isEqualTo(39.0);
    assertThat(row.get("timeWait").asDouble()).isZero();
    assertThat(row.get("intervalAtExhaustionSeconds").isNull()).isTrue();
  }

  @Test
  void jsonFreshRowHasRatesAndExhaustionInterval() {
    CliRun run =
        CliRun.of(
            "plan",
            "--nodes",
            "4",
            "--destinations",
            "2",
            "--interval",
            "500ms",
            "--closer",
            "server",
            "--time-wait",
            "30s",
            "--probe-time",
            "0s",
            "--port-range",
            "1000-1099",
            "-o",
            "json");

    assertThat(run.exitCode()).isEqualTo(0);
    JsonNode row = run.json().get("rows").get(0);
    assertThat(row.get("newConnectionsPerSecond").asDouble()).isEqualTo(4.0);
    assertThat(row.get("inboundTimeWait").asDouble()).isEqualTo(120.0);
    assertThat(row.get("outboundTimeWait").asDouble()).isZero();
    assertThat(row.get("portsPerDestination").asDouble()).isZero();
    assertThat(row.get("intervalAtExhaustionSeconds").asDouble()).isZero();
  }

  @Test
  void defaultPortRangeIsReadFromTheNode() throws IOException {
    Path sysctl = root.resolve("proc/sys/net/ipv4/ip_local_port_range");
    Files.createDirectories(sysctl.getParent());
    Files.writeString(sysctl, "40000\t40099\n");

    CliRun run = CliRun.of("plan", "--nodes", "2", "--root", root.toString(), "-o", "json");

    assertThat(run.exitCode()).isEqualTo(0);
    JsonNode range = run.json().get("portRange");
    assertThat(range.get("low").asInt()).isEqualTo(40000);
    assertThat(range.get("size").asInt()).isEqualTo(100);
    assertThat(range.get("source").asString()).isEqualTo("net.ipv4.ip_local_port_range");
    assertThat(run.json().get("rows").get(0).get("intervalAtExhaustionSeconds").asDouble())
        .isCloseTo(60.01 / 100, within(1e-12));
  }

  @Tag("live")
  @Test
  void liveNodeRangeIsThisNodesSysctl() throws Exception {
    // Ground truth from sysctl(8): Files.readString on this /proc/sys file returns only "3" on
    // this JDK and kernel (a zero-size file read with a one-byte first read).
    Process p =
        new ProcessBuilder("sysctl", "-n", "net.ipv4.ip_local_port_range")
            .redirectErrorStream(true)
            .start();
    String[] sysctl = new String(p.getInputStream().readAllBytes()).trim().split("\\s+");
    assertThat(p.waitFor()).isZero();

    CliRun run = CliRun.of("plan", "--nodes", "3", "-o", "json");

    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.json().get("portRange").get("low").asInt())
        .isEqualTo(Integer.parseInt(sysctl[0]));
    assertThat(run.json().get("portRange").get("high").asInt())
        .isEqualTo(Integer.parseInt(sysctl[1]));
  }

  /** Each bad interval comes with a port range, so that no case reads this node's counters. */
  @Test
  void badFlagsAreOneLineErrors() {
    for (String[] args :
        new String[][] {
          {"plan"},
          {"plan", "--nodes", "0"},
          {"plan", "--nodes", "many"},
          {"plan", "--nodes", "20", "--port-range", "32768-60999", "--interval", "0s"},
          {"plan", "--nodes", "20", "--port-range", "32768-60999", "--interval", "-1s"},
          {"plan", "--nodes", "20", "--port-range", "32768-60999", "--interval", "soon"},
          {"plan", "--nodes", "20", "--port-range", "60999-32768"},
          {"plan", "--nodes", "20", "--port-range", "0-100"},
          {"plan", "--nodes", "20", "--port-range", "1-70000"},
          {"plan", "--nodes", "20", "--port-range", "32768"},
          {"plan", "--nodes", "20", "--destinations", "20"},
          {"plan", "--nodes", "20", "--closer", "both"},
          {"plan", "--nodes", "20", "--reuse", "--fresh"},
          {"plan", "--nodes", "20", "--time-wait", "-5s"},
          {"plan", "--nodes", "20", "-o", "xml"},
        }) {
      CliRun run = CliRun.of(args);
      String what = String.join(" ", args);
      assertThat(run.exitCode()).as(what).isEqualTo(2);
      assertThat(run.err()).as(what).startsWith("sockwatch: ").doesNotContain("Exception");
      assertThat(run.err().lines().count()).as(what).isEqualTo(2); // the error and "Try ... --help"
      assertThat(run.out()).as(what).isEmpty();
    }
  }

  @Test
  void unreadablePortRangeAsksForTheFlag() {
    CliRun run = CliRun.of("plan", "--nodes", "20", "--root", root.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("give --port-range LOW-HIGH");
  }
}
