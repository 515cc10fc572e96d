package io.sockwatch.cli.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The shipped Grafana dashboard (deploy/grafana/sockwatch.json) is of the current schema, queries
 * only through its {@code ${datasource}} variable, has the node variable, the built-in dashboard's
 * plots and the fleet view, lays its panels out on Grafana's 24-column grid, and uses only metrics
 * the agent documents. That every query runs and returns data in a real Prometheus is {@link
 * PrometheusEndToEndLiveTest}'s part.
 */
class DashboardFileTest {

  private static final JsonNode DASHBOARD = DeployFiles.dashboard();

  @Test
  void isOfTheCurrentSchemaWithADatasourceAndANodeVariable() {
    assertThat(DASHBOARD.get("schemaVersion").asInt()).isEqualTo(39);
    assertThat(DASHBOARD.get("uid").asString()).isNotBlank();
    assertThat(DASHBOARD.get("id").isNull()).as("no id: Grafana assigns one on import").isTrue();
    JsonNode vars = DASHBOARD.get("templating").get("list");
    JsonNode datasource = vars.get(0);
    assertThat(datasource.get("name").asString()).isEqualTo("datasource");
    assertThat(datasource.get("type").asString()).isEqualTo("datasource");
    assertThat(datasource.get("query").asString()).isEqualTo("prometheus");
    JsonNode node = vars.get(1);
    assertThat(node.get("name").asString()).isEqualTo("node");
    assertThat(node.get("type").asString()).isEqualTo("query");
    assertThat(node.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
    assertThat(node.get("query").get("query").asString())
        .isEqualTo("label_values(sockwatch_last_tick_timestamp_seconds, instance)");
  }

  @Test
  void everyPanelQueriesThroughTheDatasourceVariable() {
    Map<String, JsonNode> panels = DeployFiles.panelsByTitle(DASHBOARD);
    assertThat(panels).hasSizeGreaterThan(15);
    panels.forEach(
        (title, p) -> {
          assertThat(p.get("datasource").get("uid").asString())
              .as(title)
              .isEqualTo("${datasource}");
          assertThat(p.get("targets")).as(title).isNotEmpty();
          for (JsonNode t : p.get("targets")) {
            assertThat(t.get("datasource").get("uid").asString())
                .as(title)
                .isEqualTo("${datasource}");
            assertThat(t.get("expr").asString()).as(title).isNotBlank();
          }
        });
  }

  @Test
  void hasTheBuiltInDashboardsPlotsAndTheFleetView() {
    assertThat(DeployFiles.panelsByTitle(DASHBOARD).keySet())
        .contains(
            // the agent's own dashboard (sockwatch serve, GET /)
            "Sockets by state",
            "TIME_WAIT",
            "Connection churn",
            "TCP memory vs tcp_mem",
            "Sockets per process",
            "Port use per destination",
            // the fleet
            "Nodes by open findings",
            "Top nodes by TIME_WAIT",
            "TCP memory as a share of tcp_mem max");
    // per-node panels follow the node variable; fleet panels see every node
    Map<String, JsonNode> panels = DeployFiles.panelsByTitle(DASHBOARD);
    for (String perNode : List.of("Sockets by state", "TIME_WAIT", "Port use per destination")) {
      assertThat(panels.get(perNode).get("targets").get(0).get("expr").asString())
          .contains("instance=~\"$node\"");
    }
    for (String fleet : List.of("Nodes by open findings", "Top nodes by TIME_WAIT")) {
      assertThat(panels.get(fleet).get("targets").get(0).get("expr").asString())
          .doesNotContain("$node");
    }
  }

  @Test
  void panelsHaveUniqueIdsAndFitTheGrid() {
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : DASHBOARD.get("panels")) {
      assertThat(ids.add(p.get("id").asInt())).as("id %s unique", p.get("id")).isTrue();
      JsonNode g = p.get("gridPos");
      assertThat(g.get("x").asInt() + g.get("w").asInt())
          .as(p.get("title").asString())
          .isBetween(1, 24);
      assertThat(g.get("h").asInt()).isPositive();
    }
  }

  @Test
  void everyMetricItUsesIsDocumented() {
    Set<String> used = DeployFiles.metricNames(DeployFiles.read(DeployFiles.DASHBOARD));
    assertThat(used).contains("sockwatch_sockets", "sockwatch_node_tcp_mem_limit_pages");
    assertThat(DeployFiles.documentedMetrics()).containsAll(used);
  }
}
