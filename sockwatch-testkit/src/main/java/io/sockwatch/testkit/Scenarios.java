package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts {@link ScenarioMain} programs inside a test namespace, for live tests. */
public final class Scenarios {
  private Scenarios() {}

  /**
   * Starts {@code ScenarioMain ARGS} inside {@code ns} and waits (at most 30 s) for its READY line;
   * the caller ends the returned process.
   *
   * @throws IOException when it does not start
   */
  public static Process start(TestNetns ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-XX:+UseSerialGC", "-Xmx64m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScenarioMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    var reader =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    var line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    try {
      String ready = line.get(30, TimeUnit.SECONDS);
      if (ready != null && ready.startsWith("READY")) {
        return p;
      }
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("scenario " + String.join(" ", args) + " did not start", e);
    }
    p.destroyForcibly();
    throw new IOException("scenario " + String.join(" ", args) + " did not start");
  }
}
