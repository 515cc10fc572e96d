package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built image runs: its layers, extracted in the manifest's order, are the root of a process
 * started through the entrypoint its config names, in a private PID and mount namespace with its
 * own /proc (as a container runtime does; {@code unshare --root}). Runs after the image is packed
 * (integration-test phase); needs root for unshare.
 */
@Tag("live")
class ImageLiveTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
  private static final String NODE = "image-node";

  @TempDir static Path work;
  private static Path root;
  private static List<String> entrypoint;
  private static List<String> cmd;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void extract() throws Exception {
    Path tar = Path.of(Repo.property("sockwatch.image.tar"));
    assertThat(tar).as("the image tarball (built in the package phase)").isRegularFile();
    Path archive = Files.createDirectories(work.resolve("archive"));
    exec(List.of("tar", "-xf", tar.toString(), "-C", archive.toString()));
    JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
    assertThat(manifest.path("RepoTags").get(0).asString())
        .isEqualTo(Repo.property("sockwatch.image.name"));
    JsonNode config =
        JSON.readTree(archive.resolve(manifest.path("Config").asString()).toFile()).path("config");
    entrypoint = strings(config.path("Entrypoint"));
    cmd = strings(config.path("Cmd"));
    root = Files.createDirectories(work.resolve("rootfs"));
    for (JsonNode layer : manifest.path("Layers")) {
      exec(
          List.of(
              "tar",
              "--warning=no-unknown-keyword",
              "-xzf",
              archive.resolve(layer.asString()).toString(),
              "-C",
              root.toString()));
    }
    // The mount point of /proc, which a container runtime makes before it mounts proc there.
    Files.createDirectories(root.resolve("proc"));
  }

  @Test
  void versionThroughTheImagesEntrypoint() throws Exception {
    Result r = inImage(List.of("--version"));
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("sockwatch " + Repo.property("sockwatch.version") + "\n");
  }

  /**
   * The launcher node-problem-detector's rules call ({@code /opt/sockwatch/bin/sockwatch}, for a
   * container that copied /opt from this image and has a shell) is executable and starts the
   * image's own runtime and jar: run with a shell here, its /opt paths pointed at the extracted
   * image, it prints the version.
   */
  @Test
  void theLauncherForShellsStartsTheImagesRuntime() throws Exception {
    Path launcher = root.resolve("opt/sockwatch/bin/sockwatch");
    assertThat(Files.getPosixFilePermissions(launcher))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    String text = Files.readString(launcher);
    assertThat(text).startsWith("#!/bin/sh\n").contains("/opt/java/bin/java");
    Path here = work.resolve("launcher-here");
    Files.writeString(here, text.replace("/opt/", root.resolve("opt") + "/"));
    Result r = run(List.of("sh", here.toString(), "--version"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("sockwatch " + Repo.property("sockwatch.version") + "\n");
  }

  @Test
  void theDefaultCommandPrintsUsage() throws Exception {
    Result r = inImage(cmd);
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: sockwatch COMMAND");
  }

  @Test
  void netlinkInTheImageSeesAListenerOfThisTest() throws Exception {
    // --source netlink: no fallback to /proc/net/tcp; FFM, libc and sock_diag must all work.
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      Result r =
          inImage(
              List.of(
                  "snapshot",
                  "--source",
                  "netlink",
                  "--netns",
                  "self",
                  "--sport",
                  Integer.toString(port),
                  "-o",
                  "json"));
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode snap = JSON.readTree(r.out());
      assertThat(snap.path("source").asString()).isEqualTo("netlink");
      assertThat(snap.path("sockets")).hasSize(1);
      JsonNode s = snap.path("sockets").get(0);
      assertThat(s.path("state").asString()).isEqualTo("LISTEN");
      assertThat(s.path("local").path("port").asInt()).isEqualTo(port);
      assertThat(s.path("tcp_info").path("state").asInt()).isEqualTo(10); // TCP_LISTEN
    }
  }

  @Test
  void doctorInTheImageCanDoWhatItCanDoOnTheFullJdk() throws Exception {
    List<String> args =
        List.of("doctor", "--once", "--source", "netlink", "--netns", "self", "-o", "json");
    Result image = inImage(args);
    List<String> hostCommand = new ArrayList<>();
    hostCommand.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    hostCommand.add("--enable-native-access=ALL-UNNAMED");
    hostCommand.add("-jar");
    hostCommand.add(Repo.shadedJar().toString());
    hostCommand.addAll(args);
    Result host = run(hostCommand);
    assertThat(image.code()).as(image.err()).isIn(0, 1);
    JsonNode i = JSON.readTree(image.out());
    JsonNode h = JSON.readTree(host.out());
    assertThat(i.path("detector_count").asInt())
        .isEqualTo(h.path("detector_count").asInt())
        .isPositive();
    // What could not be read is the same, apart from processes (the image sees only its own PID
    // namespace, the host run every process) and connection events: this sandbox mounts no /sys,
    // so the image says why it traces none (a pod has /sys; CapabilitiesLiveTest loads the tracer
    // with the DaemonSet's capabilities).
    List<String> inImage = new ArrayList<>(unavailable(i));
    assertThat(inImage)
        .anySatisfy(u -> assertThat(u).startsWith("connection events: no tracefs: "));
    inImage.removeIf(u -> u.startsWith("connection events: "));
    assertThat(inImage).isEqualTo(unavailable(h));
  }

  /**
   * serve with the DaemonSet's own arguments in the image: /healthz and /metrics answer on the
   * metrics port, the API does not (it stays on --listen), and {@code --kubernetes} writes the
   * node's four conditions. Addresses become free loopback ports of this machine; the API server is
   * fabric8's mock (no real one can run here) on this machine's loopback, found through a
   * kubeconfig inside the image's filesystem. This is what proves the jlinked runtime holds every
   * module fabric8 and Jackson need at run time (without java.sql and java.xml, Jackson's optional
   * handlers fail on the first Node read), which jdeps alone cannot say.
   */
  @Test
  void serveWithTheDaemonSetsArgumentsAnswersProbesAndWritesTheNodesConditions() throws Exception {
    Map<ServerRequest, Queue<ServerResponse>> noExpectations = new HashMap<>();
    KubernetesMockServer apiServer =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            noExpectations,
            new KubernetesMixedDispatcher(noExpectations),
            false);
    apiServer.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient k = apiServer.createClient()) {
      k.nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
          .create();
      Files.writeString(
          root.resolve("tmp/kubeconfig"),
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: %s
          users:
          - name: sockwatch
            user:
              token: not-checked-by-the-mock
          contexts:
          - name: mock
            context:
              cluster: mock
              user: sockwatch
          current-context: mock
          """
              // An address, not "localhost": the image has no /etc/hosts.
              .formatted("http://127.0.0.1:" + apiServer.getPort()));
      Container c =
          Manifests.base()
              .one(DaemonSet.class)
              .getSpec()
              .getTemplate()
              .getSpec()
              .getContainers()
              .getFirst();
      int api = freePort();
      int metrics = freePort();
      List<String> args = new ArrayList<>();
      for (int i = 0; i < c.getArgs().size(); i++) {
        String a = c.getArgs().get(i);
        switch (a) {
          case "--listen" -> {
            args.add(a);
            args.add("127.0.0.1:" + api);
            i++;
          }
          case "--metrics-listen" -> {
            args.add(a);
            args.add("127.0.0.1:" + metrics);
            i++;
          }
          default -> args.add(a);
        }
      }
      assertThat(args).as("the DaemonSet runs the Kubernetes reporter").contains("--kubernetes");
      Process serve = start(args, Map.of("KUBECONFIG", "/tmp/kubeconfig", "NODE_NAME", NODE));
      try {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int healthz = -1;
        while (System.nanoTime() < deadline && serve.isAlive()) {
          healthz = status(http, metrics, "/healthz");
          if (healthz == 200) {
            break;
          }
          Thread.sleep(200);
        }
        assertThat(healthz).as("/healthz on the metrics port within 60 s").isEqualTo(200);
        assertThat(status(http, metrics, "/metrics")).isEqualTo(200);
        assertThat(status(http, metrics, "/api/status")).isEqualTo(404);
        assertThat(status(http, api, "/api/status")).isEqualTo(200);
        List<String> written = List.of();
        while (System.nanoTime() < deadline && serve.isAlive()) {
          written = conditionTypes(k);
          if (written.size() == 4) {
            break;
          }
          Thread.sleep(200);
        }
        assertThat(written)
            .as("the conditions serve wrote to the Node within 60 s")
            .containsExactlyInAnyOrder(
                "TCPMemoryPressure", "EphemeralPortPressure", "SocketLeak", "ConntrackPressure");
      } finally {
        serve.destroy();
        if (!serve.waitFor(10, TimeUnit.SECONDS)) {
          serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      apiServer.destroy();
    }
  }

  private static List<String> conditionTypes(KubernetesClient k) {
    Node n = k.nodes().withName(NODE).get();
    if (n == null || n.getStatus() == null || n.getStatus().getConditions() == null) {
      return List.of();
    }
    return n.getStatus().getConditions().stream().map(c -> c.getType()).toList();
  }

  private static int status(HttpClient http, int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static List<String> unavailable(JsonNode doctor) {
    List<String> items = new ArrayList<>();
    for (JsonNode u : doctor.path("unavailable")) {
      String item = u.path("item").asString();
      if (!item.equals("process attribution") && !item.startsWith("network namespaces of")) {
        items.add(item + ": " + u.path("reason").asString());
      }
    }
    return items;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The image's entrypoint with these arguments, as a container runtime starts it. */
  private static List<String> containerCommand(List<String> args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "unshare",
            "--fork",
            "--pid",
            "--mount",
            "--mount-proc",
            "--kill-child",
            "--root=" + root));
    command.addAll(entrypoint);
    command.addAll(args);
    return command;
  }

  private static Result inImage(List<String> args) throws Exception {
    return run(containerCommand(args));
  }

  private static Process start(List<String> args, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(containerCommand(args));
    String path = System.getenv("PATH");
    pb.environment().clear(); // a container starts with only what its spec gives
    pb.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return pb.start();
  }

  private static Result run(List<String> command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    Process p = pb.start();
    CompletableFuture<String> out = readAll(p.getInputStream());
    CompletableFuture<String> err = readAll(p.getErrorStream());
    if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(command + " did not finish within " + RUN_LIMIT);
    }
    return new Result(p.exitValue(), out.get(), err.get());
  }

  private static CompletableFuture<String> readAll(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  private static void exec(List<String> command) throws Exception {
    Result r = run(command);
    if (r.code() != 0) {
      throw new AssertionError(command + " failed: " + r.err());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
