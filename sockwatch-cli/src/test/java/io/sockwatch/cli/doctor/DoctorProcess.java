package io.sockwatch.cli.doctor;

import io.sockwatch.cli.Main;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs {@code sockwatch doctor} as a child JVM inside a test's network namespace, so that the
 * socket table, /proc/net counters and per-namespace sysctls it reads are the namespace's own.
 */
public record DoctorProcess(int exitCode, String out, String err) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Runs {@code sockwatch ARGS} inside {@code ns} (null: this namespace); bounded to 120 s. A
   * {@code doctor} run inside {@code ns} judges that namespace alone ({@code --netns self}) unless
   * ARGS choose: the tests judge the namespace they built, not the other tests' beside them.
   */
  public static DoctorProcess run(TestNetns ns, String... args)
      throws IOException, InterruptedException {
    return runWrapped(ns, List.of(), args);
  }

  /**
   * As {@link #run}, with java started through {@code wrapper} (inside the namespace), such as a
   * {@code setpriv} that drops capabilities.
   */
  public static DoctorProcess runWrapped(TestNetns ns, List<String> wrapper, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(ns.prefix());
    }
    cmd.addAll(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    if (ns != null
        && args.length > 0
        && args[0].equals("doctor")
        && !List.of(args).contains("--netns")) {
      cmd.addAll(List.of("--netns", "self"));
    }
    Process p = new ProcessBuilder(cmd).start();
    var stdout = p.getInputStream();
    var stderr = p.getErrorStream();
    var outFuture = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(stdout));
    var errFuture = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(stderr));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("sockwatch " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new DoctorProcess(p.exitValue(), outFuture.join(), errFuture.join());
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The output parsed as JSON; for a doctor report, after checking every finding's evidence against
   * docs/doctor-json.md ({@link DoctorJson#checked}).
   */
  public JsonNode json() {
    return DoctorJson.checked(JSON.readTree(out));
  }

  /** Findings of one detector from a {@code -o json} run. */
  public List<JsonNode> findings(String detector) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode f : json().get("findings")) {
      if (f.get("detector").asString().equals(detector)) {
        out.add(f);
      }
    }
    return out;
  }
}
