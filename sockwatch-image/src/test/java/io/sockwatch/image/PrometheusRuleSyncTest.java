package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The PrometheusRule of deploy/kubernetes carries exactly the rules of
 * deploy/prometheus/sockwatch-rules.yaml (the file promtool checks and tests): kustomize cannot
 * embed one file in another object, so the wrapper is a copy that scripts/sync-prometheusrule.sh
 * writes.
 */
class PrometheusRuleSyncTest {

  @Test
  void wrapperHoldsTheSameRulesAsThePlainFile() {
    Path plain = Repo.deploy().resolve("prometheus/sockwatch-rules.yaml");
    var docs = Kustomize.documents(plain);
    assertThat(docs).hasSize(1);
    ObjectNode rules = docs.getFirst();
    // Strict read of the plain file too: the same records as the wrapper's spec.
    StrictYaml.MAPPER.treeToValue(rules, OperatorCrds.RuleFile.class);

    var wrappers = Kustomize.documents(Repo.deploy().resolve("kubernetes/prometheusrule.yaml"));
    assertThat(wrappers).hasSize(1);
    JsonNode spec = wrappers.getFirst().path("spec");
    assertThat(spec)
        .as("deploy/kubernetes/prometheusrule.yaml is stale: run scripts/sync-prometheusrule.sh")
        .isEqualTo(rules);
  }
}
