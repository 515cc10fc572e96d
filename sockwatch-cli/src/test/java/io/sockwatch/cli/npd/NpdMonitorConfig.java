package io.sockwatch.cli.npd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/node-problem-detector/sockwatch-monitor.json as the tests read it: the plugin settings and
 * each permanent rule's command, exactly as node-problem-detector would run it.
 */
record NpdMonitorConfig(
    int maxOutputLength, Duration pluginTimeout, List<Rule> rules, JsonNode json) {

  static final Path FILE = Path.of("deploy", "node-problem-detector", "sockwatch-monitor.json");

  /** The path the rules call: where the sockwatch launcher is installed (docs/kubernetes.md). */
  static final String INSTALLED_PATH = "/opt/sockwatch/bin/sockwatch";

  /** One rule: the condition it sets and the command it runs, bounded by its timeout. */
  record Rule(
      String type,
      String condition,
      String reason,
      String path,
      List<String> args,
      Duration timeout) {}

  static NpdMonitorConfig load() throws IOException {
    JsonNode json = JsonMapper.builder().build().readTree(Files.readString(find()));
    JsonNode plugin = json.get("pluginConfig");
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : json.get("rules")) {
      List<String> args = new ArrayList<>();
      r.get("args").forEach(a -> args.add(a.asString()));
      rules.add(
          new Rule(
              r.get("type").asString(),
              r.get("condition").asString(),
              r.get("reason").asString(),
              r.get("path").asString(),
              List.copyOf(args),
              duration(r.get("timeout").asString())));
    }
    return new NpdMonitorConfig(
        plugin.get("max_output_length").asInt(),
        duration(plugin.get("timeout").asString()),
        List.copyOf(rules),
        json);
  }

  Rule rule(String condition) {
    return rules.stream()
        .filter(r -> r.condition().equals(condition))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule for " + condition));
  }

  /**
   * A Go duration as node-problem-detector's configs use them: {@code 500ms}, {@code 30s}, {@code
   * 2m}.
   */
  static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }

  /** The file, looked for from the working directory (a module's) upwards. */
  static Path find() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(FILE))) {
        return dir.resolve(FILE);
      }
    }
    throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath());
  }
}
