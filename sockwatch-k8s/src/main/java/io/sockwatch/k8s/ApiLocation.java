package io.sockwatch.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the Kubernetes API would be found, checked before connecting so that {@code serve
 * --kubernetes} on a machine with none says so in one line instead of retrying forever. The order
 * is fabric8's ({@code Config.autoConfigure}) and kubectl's: a kubeconfig file ({@code KUBECONFIG},
 * else {@code ~/.kube/config}) when there is one, else the pod's service account (the token
 * Kubernetes mounts plus {@code KUBERNETES_SERVICE_HOST}). {@code KUBERNETES_MASTER} names a server
 * directly.
 */
final class ApiLocation {

  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private ApiLocation() {}

  /**
   * Where the API's address comes from, for people; empty when nothing names one.
   *
   * @param env environment variables (and {@code kubeconfig} as fabric8's system property)
   * @param home the user's home directory
   * @param serviceAccount the directory Kubernetes mounts a pod's token in
   */
  static Optional<String> find(Function<String, String> env, Path home, Path serviceAccount) {
    String kubeconfig = env.apply("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      for (String p : kubeconfig.split(":")) {
        if (!p.isBlank() && Files.isRegularFile(Path.of(p))) {
          return Optional.of("kubeconfig " + p + " (KUBECONFIG)");
        }
      }
    }
    Path dflt = home.resolve(".kube").resolve("config");
    if (Files.isRegularFile(dflt)) {
      return Optional.of("kubeconfig " + dflt);
    }
    String host = env.apply("KUBERNETES_SERVICE_HOST");
    if (host != null && !host.isBlank() && Files.isRegularFile(serviceAccount.resolve("token"))) {
      return Optional.of("in-cluster service account (" + serviceAccount + ")");
    }
    String master = env.apply("KUBERNETES_MASTER");
    if (master != null && !master.isBlank()) {
      return Optional.of("KUBERNETES_MASTER");
    }
    return Optional.empty();
  }

  /** The one line saying why none was found. */
  static String notFound(Path home, Path serviceAccount) {
    return "no Kubernetes API found: KUBECONFIG names no file, there is no "
        + home.resolve(".kube").resolve("config")
        + ", and this is not a pod with a service account (KUBERNETES_SERVICE_HOST and "
        + serviceAccount.resolve("token")
        + ")";
  }
}
