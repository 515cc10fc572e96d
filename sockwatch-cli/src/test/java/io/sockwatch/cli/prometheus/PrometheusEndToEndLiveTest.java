package io.sockwatch.cli.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.serve.TrafficMain;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.testkit.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped alert rules and Grafana dashboard in a real Prometheus (Debian's {@code prometheus})
 * scraping real {@code sockwatch serve} agents on loopback every 2 s, with real traffic.
 *
 * <p><b>Topology.</b> The test makes a network namespace with 1000 local ports ({@code
 * ip_local_port_range 41000 41999}) and {@code tcp_tw_reuse 0}, so that TIME_WAIT holds its port
 * and a modest herd runs the range toward one destination half out. Agent N runs in the host's
 * namespace and reads only the test namespace ({@code --netns NAME}), so its findings and alerts
 * are about what the test built and nothing of the shared host leaks in; it listens on the host's
 * loopback, where Prometheus can scrape it. Agent H reads the host's namespace ({@code --netns
 * host}): {@code tcp_mem} and {@code tcp_max_orphans} are shown only there, and the dashboard's
 * TCP-memory and orphan panels need a node that has them. Alerts are judged for agent N only.
 *
 * <p><b>What differs from production.</b> The rules file is loaded as shipped, expressions, labels
 * and annotations untouched, except that every {@code for:} is rewritten to 10 s: the shipped 2 to
 * 10 minutes would make the test take half an hour and prove nothing more about the expressions.
 * Agent N runs with a 50% CPU budget (one scan a second on a busy two-core machine) and a 20 s leak
 * window (the default 300 s needs five minutes of leak before the slope counts).
 *
 * <p>Each condition has a warning and a critical rule of one name; the test waits for the warning
 * (the critical may join it: a growing CLOSE_WAIT count is critical for the close-wait detector).
 *
 * <p><b>What it shows.</b> (1) While the namespace is quiet, no alert is pending or firing for it.
 * (2) A herd of short connections (15 a second, each closed by the client, so 900 TIME_WAIT to one
 * destination at steady state, 90% of the range) makes {@code SockwatchEphemeralPortPressure} fire
 * for that destination within 3 minutes. (3) A server that never closes what its clients closed (5
 * a second) makes {@code SockwatchSocketLeak} fire naming that process within 3 minutes. (4) Every
 * rule was evaluated against this real data without error. (5) Every query of the dashboard, its
 * variables filled in as Grafana would, runs without error and returns data.
 */
@Tag("live")
class PrometheusEndToEndLiveTest {

  private static final Pattern FOR = Pattern.compile("(?m)^(\\s+)for: \\S+$");
  private static final String HERD_PORT = "7100";
  private static final String LEAK_PORT = "7300";
  private static final Duration ALERT_BOUND = Duration.ofMinutes(3);

  private final Closer opened = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  @Test
  void shippedRulesAlertOnARealHerdAndLeakAndEveryDashboardQueryHasData() throws Exception {
    TestNetns ns = opened.keep(TestNetns.create("prom"));
    ns.sysctl("net.ipv4.ip_local_port_range", "41000 41999");
    ns.sysctl("net.ipv4.tcp_tw_reuse", "0");
    ServeProcess agent =
        opened.keep(
            ServeProcess.start(
                null, "--netns", ns.name(), "--cpu-budget", "50%", "--leak-window", "20s"));
    ServeProcess host =
        opened.keep(ServeProcess.start(null, ServeProcess.ONE_SCAN, "--netns", "host"));
    agent.awaitWarm(5, 0.5, Duration.ofSeconds(90));
    String instance = agent.address();

    Path dir = Files.createTempDirectory("sockwatch-prometheus-");
    String rules = shortened(DeployFiles.read(DeployFiles.RULES));
    Files.writeString(dir.resolve("sockwatch-rules.yaml"), rules);
    PrometheusServer prometheus =
        opened.keep(PrometheusServer.start(dir, config(dir, instance, host.address())));
    System.out.printf(
        "prometheus pid %d on 127.0.0.1:%d; agent %s (netns %s), host agent %s%n",
        prometheus.pid(), prometheus.port(), instance, ns.name(), host.address());

    // Scraped, and the agent's scans are in: the rules now evaluate on its real numbers.
    awaitQuery(
        prometheus,
        "sockwatch_last_scan_timestamp_seconds{instance=\"" + instance + "\"}",
        r -> r.size() == 1,
        Duration.ofSeconds(60));

    // (1) Quiet: nothing pending or firing for the namespace for 30 s.
    long quietEnd = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int polls = 0;
    while (System.nanoTime() < quietEnd) {
      assertThat(ofInstance(prometheus.alerts(), instance))
          .as("alerts for the quiet namespace (pending included)")
          .isEmpty();
      polls++;
      Thread.sleep(2000);
    }
    System.out.printf("quiet: no alert for %s in %d polls over 30 s%n", instance, polls);

    // (2) A herd of short connections toward one destination.
    opened.keep(traffic(ns, "server", HERD_PORT, "50"));
    ChildJvm prober = opened.keep(traffic(ns, "probe", HERD_PORT, "15", "170", "5"));
    long herdStart = System.nanoTime();
    JsonNode ports =
        awaitFiring(
            prometheus,
            "SockwatchEphemeralPortPressure",
            a ->
                instance.equals(label(a, "instance"))
                    && label(a, "severity").equals("warning")
                    && ("127.0.0.1:" + HERD_PORT).equals(label(a, "destination")),
            herdStart);
    System.out.printf(
        "SockwatchEphemeralPortPressure firing %.0f s after the herd started: %s%n",
        (System.nanoTime() - herdStart) / 1e9, ports);
    assertThat(ports.get("annotations").get("summary").asString())
        .isEqualTo("Local ports running out toward 127.0.0.1:7100 on " + instance);
    assertThat(ports.get("annotations").get("runbook_url").asString())
        .startsWith(DeployFiles.RUNBOOK_BASE + "detectors/")
        .matches(".*/(ephemeral-ports|connection-churn)\\.md");
    prober.close();

    // (3) A server that never closes what its clients closed.
    ChildJvm leaky = opened.keep(traffic(ns, "leaky-server", LEAK_PORT));
    opened.keep(traffic(ns, "connect-close", LEAK_PORT, "5", "170"));
    long leakStart = System.nanoTime();
    String process = "java(" + leaky.pid() + ")";
    JsonNode leak =
        awaitFiring(
            prometheus,
            "SockwatchSocketLeak",
            a ->
                instance.equals(label(a, "instance"))
                    && label(a, "severity").equals("warning")
                    && process.equals(label(a, "process")),
            leakStart);
    System.out.printf(
        "SockwatchSocketLeak firing %.0f s after the leak started: %s%n",
        (System.nanoTime() - leakStart) / 1e9, leak);
    assertThat(leak.get("labels").get("condition").asString()).isEqualTo("SocketLeak");
    assertThat(leak.get("annotations").get("summary").asString())
        .isEqualTo(process + " leaks sockets on " + instance);

    // (4) Every shipped rule ran on this data without error.
    List<JsonNode> loaded = new ArrayList<>();
    for (JsonNode g : prometheus.api("/api/v1/rules?type=alert").get("groups")) {
      g.get("rules").forEach(loaded::add);
    }
    assertThat(loaded).hasSize(11);
    assertThat(loaded.stream().map(r -> r.get("name").asString()).distinct())
        .containsExactlyInAnyOrder(
            "SockwatchTCPMemoryPressure",
            "SockwatchEphemeralPortPressure",
            "SockwatchSocketLeak",
            "SockwatchConntrackPressure",
            "SockwatchAgentDown",
            "SockwatchTicksStale",
            "SockwatchScansStale");
    for (JsonNode r : loaded) {
      assertThat(r.get("health").asString())
          .as("%s: %s", r.get("name").asString(), r.path("lastError").asString(""))
          .isEqualTo("ok");
    }

    // (5) The dashboard, while the leak's findings are open.
    checkDashboard(prometheus, List.of(instance, host.address()));
  }

  /** The shipped rules with every {@code for:} at 10 s; nothing else changes. */
  static String shortened(String rules) {
    Matcher m = FOR.matcher(rules);
    int n = 0;
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, m.group(1) + "for: 10s");
      n++;
    }
    m.appendTail(out);
    assertThat(n).as("for: lines rewritten").isEqualTo(11);
    return out.toString();
  }

  private static String config(Path dir, String agent, String host) {
    return String.join(
        "\n",
        "global:",
        "  scrape_interval: 2s",
        "  scrape_timeout: 2s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + dir.resolve("sockwatch-rules.yaml"),
        "scrape_configs:",
        "  - job_name: sockwatch",
        "    static_configs:",
        "      - targets: ['" + agent + "']",
        "  - job_name: sockwatch-host",
        "    static_configs:",
        "      - targets: ['" + host + "']",
        "");
  }

  /** {@link TrafficMain} in {@code ns}, once it printed {@code ready}. */
  private static ChildJvm traffic(TestNetns ns, String... args) throws Exception {
    ChildJvm jvm =
        ChildJvm.launcher()
            .netns(ns)
            .heap("64m")
            // Plain AF_INET sockets: the destination is 127.0.0.1, not ::ffff:127.0.0.1.
            .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
            .start(TrafficMain.class, args);
    try {
      jvm.awaitLine("ready", Duration.ofSeconds(60));
      return jvm;
    } catch (Exception e) {
      jvm.close();
      throw e;
    }
  }

  private static String label(JsonNode alert, String name) {
    return alert.get("labels").path(name).asString("");
  }

  private static List<JsonNode> ofInstance(List<JsonNode> alerts, String instance) {
    return alerts.stream().filter(a -> instance.equals(label(a, "instance"))).toList();
  }

  /** Waits until an alert {@code name} matching {@code which} is firing, within 3 minutes. */
  private static JsonNode awaitFiring(
      PrometheusServer prometheus, String name, Predicate<JsonNode> which, long startNanos)
      throws Exception {
    List<JsonNode> last = List.of();
    while (System.nanoTime() - startNanos < ALERT_BOUND.toNanos()) {
      last = prometheus.alerts();
      for (JsonNode a : last) {
        if (name.equals(label(a, "alertname"))
            && which.test(a)
            && a.get("state").asString().equals("firing")) {
          return a;
        }
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(
        name
            + " not firing within "
            + ALERT_BOUND
            + "; alerts: "
            + last
            + "; prometheus log: "
            + prometheus.logTail());
  }

  private static void awaitQuery(
      PrometheusServer prometheus, String promql, Predicate<JsonNode> done, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode result = null;
    while (System.nanoTime() < deadline) {
      result = prometheus.query(promql).get("result");
      if (done.test(result)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        promql + " still " + result + " after " + timeout + "; log: " + prometheus.logTail());
  }

  /**
   * Runs every query of the dashboard: the {@code node} variable's {@code label_values} through the
   * label API, and each panel's expression with the variables as Grafana fills them in ({@code
   * $node} both agents, as a multi-value regex; {@code $__rate_interval} a minute). Each must run
   * without error and return data; every failure is listed.
   */
  private static void checkDashboard(PrometheusServer prometheus, List<String> instances)
      throws Exception {
    JsonNode dashboard = DeployFiles.dashboard();
    JsonNode nodeVar = dashboard.get("templating").get("list").get(1);
    Matcher lv =
        Pattern.compile("label_values\\((\\w+), (\\w+)\\)")
            .matcher(nodeVar.get("query").get("query").asString());
    assertThat(lv.matches()).isTrue();
    JsonNode values =
        prometheus.api("/api/v1/label/" + lv.group(2) + "/values?match[]=" + lv.group(1));
    Set<String> found = new TreeSet<>();
    values.forEach(v -> found.add(v.asString()));
    assertThat(found).as("the node variable's values").containsAll(instances);

    String node =
        "(" + String.join("|", instances.stream().map(i -> i.replace(".", "\\\\.")).toList()) + ")";
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, JsonNode> e : DeployFiles.panelsByTitle(dashboard).entrySet()) {
      for (JsonNode t : e.getValue().get("targets")) {
        String expr =
            t.get("expr")
                .asString()
                .replace("${node}", node)
                .replace("$node", node)
                .replace("$__rate_interval", "1m");
        checked++;
        try {
          JsonNode data = prometheus.query(expr);
          if (data.get("result").isEmpty()) {
            failures.add(e.getKey() + ": no data: " + expr);
          }
        } catch (Exception ex) {
          failures.add(e.getKey() + ": " + ex.getMessage());
        }
      }
    }
    System.out.printf("dashboard: %d queries run, %d failed%n", checked, failures.size());
    assertThat(failures).as("dashboard queries without data or in error").isEmpty();
    assertThat(checked).isGreaterThan(25);
  }
}
