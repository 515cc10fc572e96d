package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs the command line as benchmarks do: as its own JVM, talking JSON on stdout. */
@Tag("live")
class PopulationMainTest {

  private final List<Process> started = new ArrayList<>();
  private TestNetns netns;

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
    }
    if (netns != null) {
      netns.close();
    }
  }

  @Test
  void printsOneJsonLineAndTearsDownAtEndOfStdin() throws Exception {
    netns = TestNetns.create("swpop-main");
    Process main =
        start(
            "--netns",
            netns.name(),
            "--established",
            "30",
            "--close-wait",
            "5",
            "--time-wait",
            "7");
    String json = firstLine(main);
    List<Long> workers = workerPids(json);

    assertThat(json)
        .startsWith("{")
        .endsWith("}")
        .contains("\"established_sockets\":60", "\"close_wait\":5", "\"fin_wait2\":5")
        .contains("\"time_wait\":7", "\"listeners\":3", "\"workers\":1")
        .contains("\"netns\":\"" + netns.name() + "\"");
    assertThat(workers).hasSize(1).allMatch(PopulationMainTest::alive);

    main.getOutputStream().close();

    assertThat(main.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(main.exitValue()).isZero();
    assertThat(workers).noneMatch(PopulationMainTest::alive);
  }

  @Test
  void workersExitByThemselvesWhenTheParentIsKilled() throws Exception {
    Process main = start("--established", "10");
    List<Long> workers = workerPids(firstLine(main));
    assertThat(workers).allMatch(PopulationMainTest::alive);

    main.destroyForcibly();
    main.waitFor(10, TimeUnit.SECONDS);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (workers.stream().anyMatch(PopulationMainTest::alive)) {
      assertThat(System.nanoTime()).as("orphaned workers still alive").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void badOptionExitsWithStatusTwoAndUsage() throws Exception {
    Process main = start("--established", "many");

    assertThat(main.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(main.exitValue()).isEqualTo(2);
    assertThat(new String(main.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("bad value for --established: many", "usage:");
  }

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PopulationMain.class.getName());
    cmd.addAll(Arrays.asList(args));
    cmd.addAll(List.of("--hold", "60"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
    started.add(p);
    return p;
  }

  private static String firstLine(Process p) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("JSON line").isNotNull();
    return line;
  }

  private static List<Long> workerPids(String json) {
    int from = json.indexOf("\"worker_pids\":[") + "\"worker_pids\":[".length();
    String list = json.substring(from, json.indexOf(']', from));
    return Arrays.stream(list.split(",")).map(Long::parseLong).toList();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
