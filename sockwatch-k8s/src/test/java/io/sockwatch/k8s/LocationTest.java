package io.sockwatch.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the API server and the node name are found, on files the test lays out. */
class LocationTest {

  @TempDir Path dir;

  @Test
  void kubeconfigFromTheEnvironmentThenTheHomeThenTheServiceAccount() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path sa = Files.createDirectories(dir.resolve("sa"));
    Path file = Files.writeString(dir.resolve("kc"), "apiVersion: v1\n");

    assertThat(ApiLocation.find(Map.<String, String>of()::get, home, sa)).isEmpty();
    assertThat(ApiLocation.notFound(home, sa))
        .startsWith("no Kubernetes API found")
        .doesNotContain("\n");

    Files.writeString(sa.resolve("token"), "t");
    assertThat(ApiLocation.find(Map.<String, String>of()::get, home, sa))
        .as("a token without KUBERNETES_SERVICE_HOST is not a pod")
        .isEmpty();
    assertThat(ApiLocation.find(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")::get, home, sa))
        .contains("in-cluster service account (" + sa + ")");

    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\n");
    assertThat(ApiLocation.find(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")::get, home, sa))
        .contains("kubeconfig " + home.resolve(".kube/config"));

    assertThat(
            ApiLocation.find(
                Map.of("KUBECONFIG", dir.resolve("missing") + ":" + file)::get, home, sa))
        .contains("kubeconfig " + file + " (KUBECONFIG)");
  }

  @Test
  void nodeNameFromNodeNameElseTheLowerCasedHostName() throws Exception {
    Path hostname = Files.writeString(dir.resolve("hostname"), "Worker-7\n");

    assertThat(NodeName.resolve(Map.of("NODE_NAME", "node-a")::get, hostname)).isEqualTo("node-a");
    assertThat(NodeName.resolve(Map.<String, String>of()::get, hostname)).isEqualTo("worker-7");
    assertThat(NodeName.resolve(Map.of("NODE_NAME", " ")::get, hostname)).isEqualTo("worker-7");
  }
}
