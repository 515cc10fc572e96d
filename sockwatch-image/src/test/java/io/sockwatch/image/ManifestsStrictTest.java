package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every object of deploy/kubernetes reads into fabric8's Kubernetes model (or, for the Prometheus
 * Operator's kinds, into records of their documented fields) with unknown and duplicate fields as
 * errors; and the strictness itself is shown to bite.
 */
class ManifestsStrictTest {

  @Test
  void everyObjectOfTheBaseParsesStrictly() {
    Manifests m = Manifests.base();
    assertThat(m.all())
        .extracting(t -> t.resource().kind() + "/" + t.resource().name())
        .containsExactlyInAnyOrder(
            "Namespace/sockwatch",
            "ServiceAccount/sockwatch",
            "ClusterRole/sockwatch",
            "ClusterRoleBinding/sockwatch",
            "DaemonSet/sockwatch",
            "Service/sockwatch",
            "PodMonitor/sockwatch",
            "PrometheusRule/sockwatch",
            "ConfigMap/sockwatch-dashboard");
  }

  @Test
  void everyNamespacedFileNamesTheNamespaceItself() {
    // kubectl apply -f on a single file then lands in the same place as kubectl apply -k.
    Path base = Repo.deploy().resolve("kubernetes");
    String ns = Kustomize.read(base.resolve("kustomization.yaml")).namespace();
    assertThat(ns).isEqualTo("sockwatch");
    for (String r : Kustomize.read(base.resolve("kustomization.yaml")).resources()) {
      Path p = base.resolve(r).normalize();
      if (Files.isDirectory(p)) {
        continue;
      }
      for (ObjectNode o : Kustomize.documents(p)) {
        String kind = o.path("kind").asString();
        if (!Kustomize.CLUSTER_SCOPED.contains(kind)) {
          assertThat(o.path("metadata").path("namespace").asString())
              .as(p + " " + kind)
              .isEqualTo(ns);
        }
      }
    }
  }

  @Test
  void aMisspeltFieldInACoreObjectFails() {
    Kustomize.Resource ds = resource("DaemonSet");
    ObjectNode copy = ds.object().deepCopy();
    ((ObjectNode)
            copy.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("securityContext"))
        .put("readOnlyRootFileSystem", true);
    assertThatThrownBy(() -> Manifests.strict(new Kustomize.Resource(ds.source(), copy)))
        .hasMessageContaining("readOnlyRootFileSystem");
  }

  @Test
  void aMisspeltFieldInAnOperatorObjectFails() {
    Kustomize.Resource pm = resource("PodMonitor");
    ObjectNode copy = pm.object().deepCopy();
    ((ObjectNode) copy.path("spec").path("podMetricsEndpoints").get(0)).put("paht", "/metrics");
    assertThatThrownBy(() -> Manifests.strict(new Kustomize.Resource(pm.source(), copy)))
        .hasMessageContaining("paht");
    Kustomize.Resource pr = resource("PrometheusRule");
    ObjectNode rule = pr.object().deepCopy();
    ((ObjectNode) rule.path("spec").path("groups").get(0).path("rules").get(0)).put("fro", "5m");
    assertThatThrownBy(() -> Manifests.strict(new Kustomize.Resource(pr.source(), rule)))
        .hasMessageContaining("fro");
  }

  @Test
  void anUnknownKindFails() {
    Kustomize.Resource ns = resource("Namespace");
    ObjectNode copy = ns.object().deepCopy();
    copy.put("kind", "Namespaces");
    assertThatThrownBy(() -> Manifests.strict(new Kustomize.Resource(ns.source(), copy)))
        .hasMessageContaining("no strict model for v1/Namespaces");
  }

  @Test
  void aDuplicateKeyFails(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("dup.yaml");
    Files.writeString(f, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n");
    assertThatThrownBy(() -> Kustomize.documents(f)).hasMessageContaining("name");
  }

  @Test
  void aKustomizationFeatureTheRendererDoesNotKnowFails(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamePrefix: x-\n");
    assertThatThrownBy(() -> Kustomize.render(dir)).hasMessageContaining("namePrefix");
  }

  private static Kustomize.Resource resource(String kind) {
    List<Kustomize.Resource> found =
        Manifests.base().all().stream()
            .map(Manifests.Typed::resource)
            .filter(r -> r.kind().equals(kind))
            .collect(Collectors.toList());
    assertThat(found).hasSize(1);
    return found.getFirst();
  }
}
