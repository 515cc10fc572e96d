package io.sockwatch.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for the few features deploy/ uses:
 * resources (files and directories), a namespace, and ConfigMap generators from files without a
 * hash suffix. A kustomization that uses anything else fails to parse ({@link Kustomization} is
 * read strictly), so this renderer cannot silently differ from kustomize's.
 *
 * <p>Why not kustomize itself: Debian packages only kubectl 1.20, whose kustomize (v2.0.3) does not
 * take directories in {@code resources}; every kustomize since v2.1 does (checked by hand with
 * kubectl 1.32: same objects).
 */
final class Kustomize {

  /** Kinds that live outside namespaces; kustomize's namespace leaves them alone. */
  static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

  /** One object of the rendered output and the file it came from. */
  record Resource(Path source, ObjectNode object) {
    String kind() {
      return object.path("kind").asString();
    }

    String name() {
      return object.path("metadata").path("name").asString();
    }
  }

  /** The kustomization file, read strictly: a field this renderer does not know fails. */
  record Kustomization(
      String apiVersion,
      String kind,
      String namespace,
      List<String> resources,
      GeneratorOptions generatorOptions,
      List<ConfigMapGenerator> configMapGenerator) {}

  record GeneratorOptions(
      Boolean disableNameSuffixHash, Map<String, String> labels, Map<String, String> annotations) {}

  record ConfigMapGenerator(String name, List<String> files) {}

  private Kustomize() {}

  /** Every object the kustomization in {@code dir} produces, in kustomize's input order. */
  static List<Resource> render(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    Kustomization k = read(file);
    if (!"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())
        || !"Kustomization".equals(k.kind())) {
      throw new IllegalArgumentException(
          file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
    }
    List<Resource> out = new ArrayList<>();
    for (String r : k.resources() == null ? List.<String>of() : k.resources()) {
      Path p = dir.resolve(r).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(render(p));
      } else {
        for (ObjectNode o : documents(p)) {
          out.add(new Resource(p, o));
        }
      }
    }
    for (ConfigMapGenerator g :
        k.configMapGenerator() == null ? List.<ConfigMapGenerator>of() : k.configMapGenerator()) {
      out.add(new Resource(file, configMap(dir, g, k.generatorOptions())));
    }
    if (k.namespace() != null) {
      for (Resource r : out) {
        if (!CLUSTER_SCOPED.contains(r.kind())) {
          ((ObjectNode) r.object().path("metadata")).put("namespace", k.namespace());
        }
      }
    }
    return out;
  }

  static Kustomization read(Path file) {
    try {
      return StrictYaml.MAPPER.readValue(file.toFile(), Kustomization.class);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The YAML documents of a file (skipping empty ones), each as an object. */
  static List<ObjectNode> documents(Path file) {
    List<ObjectNode> docs = new ArrayList<>();
    try (JsonParser p = StrictYaml.MAPPER.createParser(file.toFile())) {
      var it = StrictYaml.MAPPER.readValues(p, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n == null || n.isNull() || n.isMissingNode()) {
          continue;
        }
        if (!(n instanceof ObjectNode o)) {
          throw new IllegalArgumentException(file + ": a document is not a mapping");
        }
        docs.add(o);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    return docs;
  }

  private static ObjectNode configMap(Path dir, ConfigMapGenerator g, GeneratorOptions options) {
    if (options == null || !Boolean.TRUE.equals(options.disableNameSuffixHash())) {
      throw new IllegalArgumentException(
          dir
              + ": generated ConfigMaps need disableNameSuffixHash: true (this renderer does not"
              + " compute kustomize's hash suffix)");
    }
    Map<String, String> data = new LinkedHashMap<>();
    for (String f : g.files()) {
      int eq = f.indexOf('=');
      String key = eq < 0 ? Path.of(f).getFileName().toString() : f.substring(0, eq);
      Path p = dir.resolve(eq < 0 ? f : f.substring(eq + 1)).normalize();
      if (!p.startsWith(dir)) {
        throw new IllegalArgumentException(
            dir + ": " + f + " is outside the kustomization's directory; kustomize refuses that");
      }
      try {
        data.put(key, Files.readString(p));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    ObjectNode cm = StrictYaml.MAPPER.createObjectNode();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata");
    meta.put("name", g.name());
    if (options.labels() != null) {
      ObjectNode labels = meta.putObject("labels");
      options.labels().forEach(labels::put);
    }
    if (options.annotations() != null) {
      ObjectNode annotations = meta.putObject("annotations");
      options.annotations().forEach(annotations::put);
    }
    ObjectNode d = cm.putObject("data");
    data.forEach(d::put);
    return cm;
  }
}
