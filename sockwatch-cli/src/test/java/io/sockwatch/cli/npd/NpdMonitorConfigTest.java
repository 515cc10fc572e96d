package io.sockwatch.cli.npd;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.output.ConditionLine;
import io.sockwatch.model.finding.NodeCondition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped node-problem-detector monitor config has the custom-plugin shape (only fields
 * node-problem-detector knows), one permanent rule per node condition sockwatch owns, each calling
 * {@code doctor --check} on the installed path, and bounds that fit together. What the commands
 * answer on a real node is {@link NpdMonitorLiveTest}'s.
 */
class NpdMonitorConfigTest {

  private static final Set<String> TOP =
      Set.of("plugin", "pluginConfig", "source", "metricsReporting", "conditions", "rules");
  private static final Set<String> PLUGIN =
      Set.of(
          "invoke_interval",
          "timeout",
          "max_output_length",
          "concurrency",
          "enable_message_change_based_condition_update",
          "skip_initial_status");
  private static final Set<String> CONDITION = Set.of("type", "reason", "message");
  private static final Set<String> RULE =
      Set.of("type", "condition", "reason", "path", "args", "timeout");

  private static List<String> types() {
    return Arrays.stream(NodeCondition.values()).map(NodeCondition::type).toList();
  }

  private static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.propertyNames().forEach(out::add);
    return out;
  }

  @Test
  void onlyFieldsNodeProblemDetectorKnows() throws Exception {
    JsonNode json = NpdMonitorConfig.load().json();
    assertThat(TOP).containsAll(fields(json));
    assertThat(json.get("plugin").asString()).isEqualTo("custom");
    assertThat(PLUGIN).containsAll(fields(json.get("pluginConfig")));
    json.get("conditions").forEach(c -> assertThat(CONDITION).containsAll(fields(c)));
    json.get("rules").forEach(r -> assertThat(RULE).containsAll(fields(r)));
  }

  @Test
  void everyConditionHasADefaultAndOnePermanentRuleCallingItsCheck() throws Exception {
    NpdMonitorConfig config = NpdMonitorConfig.load();
    List<String> defaults = new ArrayList<>();
    for (JsonNode c : config.json().get("conditions")) {
      defaults.add(c.get("type").asString());
      // The same reasons as serve --kubernetes writes: one word per status, wherever it is set.
      assertThat(c.get("reason").asString())
          .isEqualTo(NodeCondition.ofType(c.get("type").asString()).orElseThrow().reason(false));
      assertThat(c.get("message").asString()).isNotBlank();
    }
    assertThat(defaults).containsExactlyInAnyOrderElementsOf(types());
    assertThat(config.rules())
        .extracting(NpdMonitorConfig.Rule::condition)
        .containsExactlyInAnyOrderElementsOf(types());
    for (NpdMonitorConfig.Rule r : config.rules()) {
      assertThat(r.type()).isEqualTo("permanent");
      assertThat(r.reason())
          .isEqualTo(NodeCondition.ofType(r.condition()).orElseThrow().reason(true));
      assertThat(r.path()).isEqualTo(NpdMonitorConfig.INSTALLED_PATH);
      assertThat(r.args())
          .containsExactly(
              "doctor",
              "--check",
              r.condition(),
              "--max-length",
              Integer.toString(config.maxOutputLength()));
      assertThat(r.timeout()).isLessThanOrEqualTo(config.pluginTimeout());
    }
  }

  @Test
  void boundsFitTogether() throws Exception {
    NpdMonitorConfig config = NpdMonitorConfig.load();
    // The checks fit their line to --max-length, which the rules set to max_output_length.
    assertThat(config.maxOutputLength()).isGreaterThanOrEqualTo(ConditionLine.MIN_MAX_LENGTH);
    assertThat(
            NpdMonitorConfig.duration(
                config.json().get("pluginConfig").get("invoke_interval").asString()))
        .isGreaterThan(config.pluginTimeout());
  }
}
