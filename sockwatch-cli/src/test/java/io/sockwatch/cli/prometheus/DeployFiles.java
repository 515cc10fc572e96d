package io.sockwatch.cli.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped Prometheus rules and Grafana dashboard ({@code deploy/}), found from the working
 * directory (a module's) upwards, and what tests read from them.
 */
final class DeployFiles {

  static final Path RULES = Path.of("deploy", "prometheus", "sockwatch-rules.yaml");
  static final Path RULE_TESTS = Path.of("deploy", "prometheus", "sockwatch-rules.test.yaml");
  static final Path DASHBOARD = Path.of("deploy", "grafana", "sockwatch.json");

  /** Where the rules' runbook links point; docs/prometheus.md says how to change it. */
  static final String RUNBOOK_BASE = "https://github.com/sockwatch/sockwatch/blob/main/docs/";

  private static final Pattern METRIC = Pattern.compile("\\bsockwatch_[a-z_]+\\b");

  private DeployFiles() {}

  /** The repository's root: the first directory upwards that holds the rules file. */
  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(RULES))) {
        return dir;
      }
    }
    throw new IllegalStateException(RULES + " not found above " + Path.of("").toAbsolutePath());
  }

  static Path path(Path relative) {
    return root().resolve(relative);
  }

  static String read(Path relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rule file, parsed. */
  static JsonNode rules() {
    return YAMLMapper.builder().build().readTree(read(RULES));
  }

  /** The dashboard, parsed. */
  static JsonNode dashboard() {
    return JsonMapper.builder().build().readTree(read(DASHBOARD));
  }

  /** The metric names ({@code sockwatch_...}) that {@code text} mentions. */
  static Set<String> metricNames(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * The metric names documented in docs/serve-api.md: every {@code sockwatch_...} name in a table
   * row's first cell.
   */
  static Set<String> documentedMetrics() {
    Set<String> out = new TreeSet<>();
    for (String line : read(Path.of("docs", "serve-api.md")).split("\n")) {
      if (line.startsWith("| `sockwatch_")) {
        out.addAll(metricNames(line.substring(0, line.indexOf('|', 1))));
      }
    }
    return out;
  }

  /** Every panel of the dashboard that queries (rows and their nested panels flattened). */
  static Map<String, JsonNode> panelsByTitle(JsonNode dashboard) {
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (JsonNode p : dashboard.get("panels")) {
      if (p.get("type").asString().equals("row")) {
        if (p.has("panels")) {
          for (JsonNode inner : p.get("panels")) {
            out.put(inner.get("title").asString(), inner);
          }
        }
      } else {
        out.put(p.get("title").asString(), p);
      }
    }
    return out;
  }
}
