package io.sockwatch.cli.serve;

import static io.sockwatch.cli.doctor.DoctorJson.evidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.cli.testing.Closer;
import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.testkit.SsEntry;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A CLOSE_WAIT leak built for real in a namespace of its own and watched by the real {@code
 * sockwatch serve} with a 20 s leak window: a client connects and closes 5 times a second, the
 * server accepts and never closes, so the server's CLOSE_WAIT sockets (and its descriptors) grow by
 * 5 a second. The true rate is measured independently with {@code ss} over the same window, and the
 * finding's robust slope must be within 20% of it. Stopping the client stops the rise, and the
 * finding resolves although the leaked sockets stay.
 */
@Tag("live")
class LeakLiveTest {

  private static final String PORT = "7300";
  private static final double RATE = 5;
  private static final int WINDOW = 20;

  private record Count(long nanos, int closeWait) {}

  private final Closer opened = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  @Test
  void closeWaitLeakHasTheTrueSlopeAndResolvesWhenItStops() throws Exception {
    TestNetns ns = opened.keep(TestNetns.create("leak"));
    ServeProcess serve =
        opened.keep(
            ServeProcess.start(
                ns, "--resolve-after", "5s", "--leak-window", WINDOW + "s", "--cpu-budget", "50%"));
    serve.awaitWarm(5, 0.5, Duration.ofSeconds(90));
    Traffic server = opened.keep(Traffic.start(ns, "leaky-server", PORT));
    Traffic client = opened.keep(Traffic.start(ns, "connect-close", PORT, "" + (int) RATE, "150"));
    String id = "socket-leak/" + server.label();

    // Wait until the leak window lies wholly inside the leak and the finding is open, counting
    // CLOSE_WAIT with ss meanwhile.
    List<Count> truth = new ArrayList<>();
    long start = client.readyNanos();
    JsonNode leak = null;
    JsonNode last = null;
    while (System.nanoTime() - start < 90_000_000_000L) {
      truth.add(new Count(System.nanoTime(), closeWait(ns)));
      last = serve.findings();
      leak = find(last.get("open"), id);
      if (leak != null && System.nanoTime() - start > (WINDOW + 3) * 1_000_000_000L) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(leak).as("open %s; last /api/findings: %s", id, last).isNotNull();
    System.out.printf(
        "leak finding first seen %s, client started %.1f s before the check%n",
        leak.get("first_seen").asString(), (System.nanoTime() - start) / 1e9);
    double trueRate = slope(truth, System.nanoTime() - WINDOW * 1_000_000_000L);
    System.out.printf(
        "leak slope %.3f/s (CLOSE_WAIT %.3f/s), ss %.3f/s%n",
        evidence(leak, "socket_growth_per_second"),
        evidence(leak, "close_wait_growth_per_second"),
        trueRate);
    assertThat(trueRate).as("the client's pace, seen by ss").isCloseTo(RATE, within(0.5));
    assertThat(evidence(leak, "close_wait_growth_per_second"))
        .isCloseTo(trueRate, within(0.2 * trueRate));
    assertThat(evidence(leak, "socket_growth_per_second"))
        .isCloseTo(trueRate, within(0.2 * trueRate));
    assertThat(evidence(leak, "socket_growth_per_minute"))
        .isCloseTo(60 * evidence(leak, "socket_growth_per_second"), within(1e-6));
    assertThat(evidence(leak, "window_seconds")).isEqualTo(WINDOW);
    assertThat(leak.get("subject").get("processes").get(0).asString()).isEqualTo(server.label());
    assertThat(leak.get("title").asString())
        .startsWith(server.label() + " leaks connections: CLOSE_WAIT grows");
    assertThat(leak.get("headroom").get("limit").asLong())
        .as("the server's soft RLIMIT_NOFILE")
        .isEqualTo(softNofile(server.pid()));
    assertThat(leak.get("docs").asString()).isEqualTo("docs/detectors/socket-leak.md");

    // Stop the leak: the count levels off, the rise is no longer consistent, the finding resolves.
    client.close();
    long stopped = System.nanoTime();
    JsonNode resolved = null;
    while (resolved == null && System.nanoTime() - stopped < 60_000_000_000L) {
      last = serve.findings();
      JsonNode r = find(last.get("resolved"), id);
      if (r != null && find(last.get("open"), id) == null) {
        resolved = r;
      } else {
        Thread.sleep(500);
      }
    }
    assertThat(resolved).as("resolved within 60 s of stopping; last: %s", last).isNotNull();
    System.out.printf("leak resolved %.1f s after the stop%n", (System.nanoTime() - stopped) / 1e9);
    assertThat(resolved.get("resolved_at").asString()).isNotEmpty();
    assertThat(closeWait(ns)).as("the leaked sockets are still there").isGreaterThan(100);
  }

  private static JsonNode find(JsonNode findings, String id) {
    for (JsonNode f : findings) {
      if (f.get("id").asString().equals(id)) {
        return f;
      }
    }
    return null;
  }

  /** The server's CLOSE_WAIT sockets, from ss. */
  private static int closeWait(TestNetns ns) throws Exception {
    int n = 0;
    for (SsEntry e : SsTable.readInNetns(ns.name()).entries()) {
      if (e.state().equals("CLOSE-WAIT") && e.local().endsWith(":" + PORT)) {
        n++;
      }
    }
    return n;
  }

  /** Least-squares slope per second of the counts taken since {@code fromNanos}. */
  private static double slope(List<Count> counts, long fromNanos) {
    List<Count> in = counts.stream().filter(c -> c.nanos() >= fromNanos).toList();
    assertThat(in).as("ss counts over the window").hasSizeGreaterThan(10);
    double mt = in.stream().mapToDouble(c -> c.nanos() / 1e9).average().orElseThrow();
    double mc = in.stream().mapToDouble(Count::closeWait).average().orElseThrow();
    double num = 0;
    double den = 0;
    for (Count c : in) {
      double dt = c.nanos() / 1e9 - mt;
      num += dt * (c.closeWait() - mc);
      den += dt * dt;
    }
    return num / den;
  }

  /** Soft "Max open files" of {@code pid}, from /proc. */
  private static long softNofile(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
      if (line.startsWith("Max open files")) {
        return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no open-files limit for " + pid);
  }
}
