package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.finding.NodeCondition;
import io.sockwatch.model.finding.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/kubernetes.md's tables say what the code does: which detectors and severities set which
 * condition (from {@link NodeCondition}), and the reasons ({@link ConditionPlanner#reason}).
 */
class KubernetesDocTest {

  private static String doc() throws Exception {
    return Files.readString(Path.of("..", "docs", "kubernetes.md"));
  }

  @Test
  void theConditionTableIsNodeConditions() throws Exception {
    String doc = doc();
    for (NodeCondition c : NodeCondition.values()) {
      for (int i = 0; i < c.rules().size(); i++) {
        NodeCondition.Rule r = c.rules().get(i);
        String severity =
            r.atLeast() == Severity.CRITICAL ? "CRITICAL" : r.atLeast() + " or CRITICAL";
        String row =
            i == 0
                ? "| `%s` | `%s` | %s | %s |"
                    .formatted(c.type(), r.detector(), severity, c.meaning())
                : "| | `%s` | %s | |".formatted(r.detector(), severity);
        assertThat(doc).as("row for %s/%s", c.type(), r.detector()).contains(row);
      }
    }
  }

  @Test
  void theReasonTableIsTheReasonsWritten() throws Exception {
    String doc = doc();
    for (NodeCondition c : NodeCondition.values()) {
      assertThat(doc)
          .contains(
              "| `%s` | `%s` | `%s` |"
                  .formatted(
                      c.type(),
                      ConditionPlanner.reason(c, true),
                      ConditionPlanner.reason(c, false)));
    }
  }
}
