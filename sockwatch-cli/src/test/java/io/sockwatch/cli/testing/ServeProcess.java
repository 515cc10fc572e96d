package io.sockwatch.cli.testing;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.doctor.DoctorJson;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code sockwatch serve} running as a child JVM inside a test namespace, on a port the
 * kernel picks, so that the socket table it watches is the namespace's own and holds only what the
 * test built. Its API is read from inside the namespace with {@code curl} (the agent binds to the
 * namespace's loopback, which the test JVM cannot reach). {@link #close()} stops it (SIGTERM, then
 * SIGKILL by its own handle).
 */
public final class ServeProcess implements AutoCloseable {

  /**
   * JVM flags for an agent that scans once and is then only read: C1 only, for a quick start on a
   * busy machine, and plain AF_INET sockets. Agents that must keep scanning fast run without them.
   */
  public static final List<String> ONE_SCAN =
      List.of("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true");

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern LISTENING =
      Pattern.compile("sockwatch serve: listening on http://(127\\.0\\.0\\.1:(\\d+))/ .*");

  /** A response: status and body. */
  public record Response(int status, String body) {}

  private final TestNetns ns;
  private final ChildJvm jvm;
  private final String address;
  private final int port;

  private ServeProcess(TestNetns ns, ChildJvm jvm, String address, int port) {
    this.ns = ns;
    this.jvm = jvm;
    this.address = address;
    this.port = port;
  }

  /**
   * Starts {@code sockwatch serve --listen 127.0.0.1:0 ARGS} in {@code ns} under a 256 MiB heap
   * (what the agent's history caps are sized for) and waits for it to listen. Unless ARGS choose
   * otherwise, it watches {@code ns} alone ({@code --netns self}): these tests judge the namespace
   * they built, not the other tests' running beside them.
   */
  public static ServeProcess start(TestNetns ns, String... args) throws Exception {
    return start(ns, List.of(), args);
  }

  /** {@link #start(TestNetns, String...)} with further JVM flags, such as {@link #ONE_SCAN}. */
  public static ServeProcess start(TestNetns ns, List<String> jvmFlags, String... args)
      throws Exception {
    return start(ns, java.util.Map.of(), jvmFlags, args);
  }

  /**
   * {@link #start(TestNetns, List, String...)} with environment variables set for the agent (e.g.
   * {@code KUBECONFIG}, {@code NODE_NAME}). With {@code ns} null it runs in this namespace, and
   * ARGS must then say which namespace it watches.
   */
  public static ServeProcess start(
      TestNetns ns, java.util.Map<String, String> env, List<String> jvmFlags, String... args)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0"));
    if (!List.of(args).contains("--netns")) {
      all.addAll(List.of("--netns", "self"));
    }
    all.addAll(List.of(args));
    ChildJvm.Launcher launcher =
        ChildJvm.launcher()
            .netns(ns)
            .heap("256m")
            .flags("--enable-native-access=ALL-UNNAMED")
            .flags(jvmFlags.toArray(String[]::new));
    env.forEach(launcher::env);
    ChildJvm jvm = launcher.start(Main.class, all.toArray(String[]::new));
    try {
      String line = jvm.awaitLine("sockwatch serve: listening on ", Duration.ofSeconds(60));
      Matcher m = LISTENING.matcher(line);
      if (!m.matches()) {
        throw new IOException("unexpected first line: " + line);
      }
      return new ServeProcess(ns, jvm, m.group(1), Integer.parseInt(m.group(2)));
    } catch (Exception e) {
      jvm.close();
      throw e;
    }
  }

  /** The agent's address inside the namespace, {@code 127.0.0.1:PORT}. */
  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  /** {@code GET target} (path and encoded query) with curl inside the namespace. */
  public Response get(String target) throws IOException, InterruptedException {
    return curl(target, 60, 90);
  }

  /** {@code GET path} from inside the namespace, which must answer 200, parsed as JSON. */
  public JsonNode json(String path) throws IOException, InterruptedException {
    Response r = curl(path, 5, 30);
    if (r.status() != 200) {
      throw new IOException(path + " answered " + r.status() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * The open and resolved findings: {@code /api/findings}, each finding's evidence checked against
   * docs/doctor-json.md ({@link DoctorJson#checked}).
   */
  public JsonNode findings() throws IOException, InterruptedException {
    return DoctorJson.checked(json("/api/findings"));
  }

  /**
   * Runs curl in the namespace for at most {@code maxSeconds} (its own limit), killing it after
   * {@code boundSeconds} should it hang regardless.
   */
  private Response curl(String target, int maxSeconds, int boundSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(ns == null ? List.of() : ns.prefix());
    cmd.addAll(
        List.of(
            "curl",
            "-sS",
            "--max-time",
            Integer.toString(maxSeconds),
            "-w",
            "\n%{http_code}",
            "http://" + address + target));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    if (!p.waitFor(boundSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("curl " + target + " did not finish");
    }
    String text = new String(out.join(), StandardCharsets.UTF_8);
    int nl = text.lastIndexOf('\n');
    if (p.exitValue() != 0 || nl < 0) {
      throw new IOException("curl " + target + " exited " + p.exitValue() + ": " + jvm.stderr());
    }
    return new Response(Integer.parseInt(text.substring(nl + 1).trim()), text.substring(0, nl));
  }

  /** {@code GET target} until it answers 200 (503 until the first tick is done), bounded. */
  public Response awaitOk(String target, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Response r = get(target);
      if (r.status() == 200) {
        return r;
      }
      if (r.status() != 503 || System.nanoTime() > deadline) {
        throw new IOException(target + " answered " + r.status() + ": " + r.body());
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits (bounded) until the agent has scanned {@code scans} times and its last scan took at most
   * {@code maxScanSeconds} of wall time: the first scans of a fresh JVM run cold and take far
   * longer, and a scan that lags behind its own socket dump cannot catch a short connection's
   * owner.
   */
  public void awaitWarm(int scans, double maxScanSeconds, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = json("/api/status");
        if (status.get("scans").asLong() >= scans
            && status.get("last_scan_seconds").asDouble() <= maxScanSeconds) {
          return;
        }
      } catch (IOException e) {
        // 503 before the first tick: retry until the deadline
      }
      Thread.sleep(200);
    }
    throw new IOException(
        "the agent did not reach "
            + scans
            + " scans of at most "
            + maxScanSeconds
            + " s in "
            + timeout
            + " (each scan reads every process's descriptors: a host where other jobs hold"
            + " hundreds of thousands of them makes scans take seconds); last status: "
            + status
            + "; stderr: "
            + stderr());
  }

  public String stderr() {
    return jvm.stderr();
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
