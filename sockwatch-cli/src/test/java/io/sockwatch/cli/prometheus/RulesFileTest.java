package io.sockwatch.cli.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.NodeCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped alert rules (deploy/prometheus/sockwatch-rules.yaml) are whole and point where they
 * say: an alert per node condition ({@link NodeCondition}, the table Kubernetes and
 * node-problem-detector use) with a warning and a critical rule, each rule with a {@code for:}, a
 * severity, a summary, a description and a runbook link to a page that exists; and every metric
 * they use is one the agent documents. {@code promtool} checks the syntax and the behaviour ({@link
 * PromtoolRulesLiveTest}); this test needs no program.
 */
class RulesFileTest {

  private static final Pattern DOCS_LINK =
      Pattern.compile(Pattern.quote(DeployFiles.RUNBOOK_BASE) + "(.*)");
  private static final Pattern LITERAL_DETECTOR = Pattern.compile("\\b([a-z]+(?:-[a-z]+)*)\\b");

  private static List<JsonNode> alerts() {
    JsonNode doc = DeployFiles.rules();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : doc.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        out.add(rule);
      }
    }
    return out;
  }

  private static List<JsonNode> named(String alert) {
    return alerts().stream().filter(r -> r.path("alert").asString("").equals(alert)).toList();
  }

  @Test
  void everyNodeConditionHasAWarningAndACriticalAlertOnItsOwnFindings() {
    for (NodeCondition c : NodeCondition.values()) {
      List<JsonNode> rules = named("Sockwatch" + c.type());
      assertThat(rules)
          .as("rules of Sockwatch%s", c.type())
          .extracting(r -> r.get("labels").get("severity").asString())
          .containsExactlyInAnyOrder("warning", "critical");
      for (JsonNode r : rules) {
        String expr = r.get("expr").asString();
        assertThat(expr)
            .as("Sockwatch%s reads the findings that set its condition", c.type())
            .contains("sockwatch_condition_finding{condition=\"" + c.type() + "\"");
        assertThat(expr.contains("severity=\"critical\""))
            .as("only the critical rule narrows to critical findings: %s", expr)
            .isEqualTo(r.get("labels").get("severity").asString().equals("critical"));
      }
    }
  }

  @Test
  void theAgentHealthAlertsExist() {
    for (String name :
        List.of("SockwatchAgentDown", "SockwatchTicksStale", "SockwatchScansStale")) {
      assertThat(named(name)).as(name).hasSize(1);
    }
    assertThat(named("SockwatchAgentDown").getFirst().get("expr").asString())
        .contains("up{job=~\".*sockwatch.*\"} == 0");
  }

  @Test
  void everyRuleWaitsHasASeverityAndIsExplained() {
    List<JsonNode> rules = alerts();
    assertThat(rules).hasSize(11);
    for (JsonNode r : rules) {
      String name = r.get("alert").asString();
      Duration wait = duration(r.get("for").asString());
      assertThat(wait)
          .as("for: of %s", name)
          .isBetween(Duration.ofMinutes(1), Duration.ofMinutes(15));
      assertThat(r.get("labels").get("severity").asString()).as(name).isIn("warning", "critical");
      JsonNode a = r.get("annotations");
      assertThat(a.get("summary").asString()).as(name).contains("$labels.instance");
      assertThat(a.get("description").asString()).as(name).isNotBlank();
      assertThat(a.get("runbook_url").asString()).as(name).startsWith(DeployFiles.RUNBOOK_BASE);
    }
  }

  /**
   * Each runbook link leads to a page of this repository: for a condition alert, the page of every
   * detector the link can name (the template's literal detectors and, where it uses the finding's
   * detector label, every detector of the condition); for agent health, a heading of
   * docs/prometheus.md.
   */
  @Test
  void runbookLinksLeadToPagesThatExist() {
    Path root = DeployFiles.root();
    for (JsonNode r : alerts()) {
      String name = r.get("alert").asString();
      Matcher m = DOCS_LINK.matcher(r.get("annotations").get("runbook_url").asString());
      assertThat(m.matches()).as(name).isTrue();
      String rest = m.group(1);
      if (rest.startsWith("prometheus.md#")) {
        String anchor = rest.substring("prometheus.md#".length());
        assertThat(anchor).isEqualTo(name.toLowerCase(Locale.ROOT));
        assertThat(DeployFiles.read(Path.of("docs", "prometheus.md")))
            .as("a heading for %s in docs/prometheus.md", name)
            .containsPattern("(?m)^#+ `?" + name + "`?$");
        continue;
      }
      assertThat(rest).as(name).startsWith("detectors/").endsWith(".md");
      String template = rest.substring("detectors/".length(), rest.length() - ".md".length());
      Set<String> pages = new TreeSet<>();
      NodeCondition condition =
          NodeCondition.ofType(name.substring("Sockwatch".length())).orElseThrow();
      if (template.contains("$labels.detector")) {
        pages.addAll(condition.detectors());
      }
      Matcher literal = LITERAL_DETECTOR.matcher(template.replaceAll("\\{\\{[^}]*\\}\\}", " "));
      while (literal.find()) {
        pages.add(literal.group(1));
      }
      assertThat(pages).as(name).isNotEmpty();
      assertThat(condition.detectors()).as("pages linked from %s", name).containsAll(pages);
      for (String page : pages) {
        assertThat(Files.isRegularFile(root.resolve("docs/detectors/" + page + ".md")))
            .as("docs/detectors/%s.md, linked from %s", page, name)
            .isTrue();
      }
    }
  }

  @Test
  void everyMetricTheRulesUseIsDocumented() {
    Set<String> used = DeployFiles.metricNames(DeployFiles.read(DeployFiles.RULES));
    assertThat(used).contains("sockwatch_condition_finding", "sockwatch_node_ephemeral_ports");
    assertThat(DeployFiles.documentedMetrics()).containsAll(used);
  }

  @Test
  void theRuleTestsLoadTheShippedFile() {
    assertThat(DeployFiles.read(DeployFiles.RULE_TESTS))
        .contains("rule_files:\n  - sockwatch-rules.yaml\n");
  }

  /** A Prometheus duration of one unit ({@code 5m}, {@code 30s}, {@code 1h}). */
  static Duration duration(String text) {
    Matcher m = Pattern.compile("(\\d+)([smh])").matcher(text);
    assertThat(m.matches()).as("duration %s", text).isTrue();
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
