package io.sockwatch.image;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rendered manifests of deploy/kubernetes, each read strictly into its typed model. */
final class Manifests {

  /** apiVersion/kind to the class that reads it strictly; a kind not listed here fails. */
  static final Map<String, Class<?>> MODELS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "v1/Service", Service.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class,
          "rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class,
          "apps/v1/DaemonSet", DaemonSet.class,
          "monitoring.coreos.com/v1/PodMonitor", OperatorCrds.PodMonitor.class,
          "monitoring.coreos.com/v1/PrometheusRule", OperatorCrds.PrometheusRule.class);

  /** One object: where it came from, and its typed form. */
  record Typed(Kustomize.Resource resource, Object model) {}

  private final List<Typed> objects;

  private Manifests(List<Typed> objects) {
    this.objects = List.copyOf(objects);
  }

  /** The base deploy/kubernetes, rendered and typed. */
  static Manifests base() {
    return of(Repo.deploy().resolve("kubernetes"));
  }

  static Manifests of(Path kustomizationDir) {
    List<Typed> typed = new ArrayList<>();
    for (Kustomize.Resource r : Kustomize.render(kustomizationDir)) {
      typed.add(new Typed(r, strict(r)));
    }
    return new Manifests(typed);
  }

  /** Reads one object into its model, failing on unknown kinds and unknown or duplicate fields. */
  static Object strict(Kustomize.Resource r) {
    String key = r.object().path("apiVersion").asString() + "/" + r.kind();
    Class<?> model = MODELS.get(key);
    if (model == null) {
      throw new IllegalArgumentException(
          r.source() + ": no strict model for " + key + " (add one to Manifests.MODELS)");
    }
    try {
      return StrictYaml.MAPPER.treeToValue(r.object(), model);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          r.source() + ": " + key + " " + r.name() + ": " + e.getMessage(), e);
    }
  }

  List<Typed> all() {
    return objects;
  }

  /** The one object of this type (fails when there are none or several). */
  <T> T one(Class<T> type) {
    List<T> found = every(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.getFirst();
  }

  <T> List<T> every(Class<T> type) {
    List<T> found = new ArrayList<>();
    for (Typed t : objects) {
      if (type.isInstance(t.model())) {
        found.add(type.cast(t.model()));
      }
    }
    return found;
  }
}
