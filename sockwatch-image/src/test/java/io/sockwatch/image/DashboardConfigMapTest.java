package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard reaches the cluster as a ConfigMap made from the one copy in deploy/. */
class DashboardConfigMapTest {

  /** Client-side kubectl apply stores the object in an annotation, which may hold 256 KiB. */
  private static final int ANNOTATION_LIMIT_BYTES = 256 * 1024;

  @Test
  void configMapCarriesTheDashboardFileForGrafanasSidecar() throws Exception {
    Path file = Repo.deploy().resolve("grafana/sockwatch.json");
    String json = Files.readString(file);
    ConfigMap cm = Manifests.base().one(ConfigMap.class);
    assertThat(cm.getMetadata().getName()).isEqualTo("sockwatch-dashboard");
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(cm.getData()).containsOnlyKeys("sockwatch.json");
    assertThat(cm.getData().get("sockwatch.json")).isEqualTo(json);
    // It is a dashboard at all (valid JSON with a title), and small enough for plain kubectl apply.
    assertThat(JsonMapper.builder().build().readTree(json).path("title").asString()).isNotBlank();
    assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(ANNOTATION_LIMIT_BYTES);
  }
}
