package io.sockwatch.cli.doctor;

import static io.sockwatch.cli.doctor.DoctorJson.evidence;
import static io.sockwatch.cli.doctor.PortTraffic.processes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.testkit.HerdProbers;
import io.sockwatch.testkit.ProbeCount;
import io.sockwatch.testkit.TestNetns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The port-exhaustion incident recreated: 20 prober processes on 127.0.0.10..29, each polling the
 * other 19 on port 8558 every second with a fresh connection per probe. With the kernel's
 * connection events, {@code doctor} and {@code serve} each report exactly one finding about that
 * port, the herd, naming all 20 processes, with the per-pair interval and every process's connects
 * per second held to the probers' own counts.
 */
@Tag("live")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerdLiveTest {

  private static final int PROBERS = 20;
  private static final int PORT = HerdProbers.DEFAULT_PORT;

  private TestNetns ns;
  private HerdProbers herd;

  @BeforeAll
  void startTheHerd() throws Exception {
    ns = TestNetns.create("herd");
    try {
      herd = HerdProbers.start(ns);
    } catch (Exception e) {
      ns.close();
      throw e;
    }
  }

  @AfterAll
  void stopTheHerd() throws Exception {
    try {
      if (herd != null) {
        herd.close();
      }
    } finally {
      ns.close();
    }
  }

  @Test
  void doctorSaysOneThingAboutThePortNamingEveryProber() throws Exception {
    awaitRounds(3);
    // 15 s: 20 prober JVMs share 2 cores, and a prober starved for a second leaves a gap in one
    // pair's connects; over 15 s one such gap moves a process's rate by under 1%.
    DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--interval", "15s");
    List<ProbeCount> counts = herd.counts();
    JsonNode finding = theOnlyFindingAboutThePort(d.json().get("findings"), d.out());
    checkHerd(finding, counts, d.out());
  }

  @Test
  void serveSaysOneThingAboutThePortNamingEveryProber() throws Exception {
    awaitRounds(3);
    try (ServeProcess serve = ServeProcess.start(ns)) {
      serve.awaitOk("/api/findings", Duration.ofSeconds(60));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      JsonNode open;
      while (true) {
        open = serve.findings().get("open");
        // serve judges the last minute of events: wait until it holds 20 s, as doctor's window
        if (aboutThePort(open).stream().anyMatch(f -> detector(f).equals("herd"))
            && hasAllProbers(aboutThePort(open).getFirst())
            && evidence(aboutThePort(open).getFirst(), "window_seconds") >= 20) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "no herd finding over 20 s naming all probers in 120 s: " + open);
        }
        Thread.sleep(1000);
      }
      List<ProbeCount> counts = herd.counts();
      checkHerd(theOnlyFindingAboutThePort(open, open.toString()), counts, open.toString());
    }
  }

  private void checkHerd(JsonNode f, List<ProbeCount> counts, String context) {
    assertThat(detector(f)).as(context).isEqualTo("herd");
    assertThat(evidence(f, "source_processes")).isEqualTo(PROBERS);
    assertThat(evidence(f, "destinations")).isEqualTo(PROBERS);
    assertThat(evidence(f, "pairs")).isEqualTo(PROBERS * (PROBERS - 1));
    List<String> named = processes(f);
    List<Long> pids = herd.pids();
    for (long pid : pids) {
      assertThat(named).as(context).anyMatch(p -> p.endsWith("(" + pid + ")"));
    }
    // The truth: each prober connects to its 19 peers once per interval.
    double interval = herd.interval().toNanos() / 1e9;
    assertThat(evidence(f, "pair_interval_median_seconds"))
        .as("per-pair interval")
        .isCloseTo(interval, within(interval * 0.10));
    for (int i = 0; i < pids.size(); i++) {
      double own = counts.get(i).connectsPerSecond(PROBERS - 1).orElseThrow();
      String member = label(named, pids.get(i));
      double seen = evidence(f, "process_connects_per_second", member);
      assertThat(seen)
          .as(
              "connects/s of %s (polling %.0f destinations), the prober's own count says %.3f;"
                  + " finding: %s",
              member, evidence(f, "process_destinations", member), own, f)
          .isCloseTo(own, within(own * 0.02));
    }
  }

  private static String label(List<String> named, long pid) {
    return named.stream().filter(p -> p.endsWith("(" + pid + ")")).findFirst().orElseThrow();
  }

  private boolean hasAllProbers(JsonNode f) {
    List<String> named = processes(f);
    return herd.pids().stream()
        .allMatch(pid -> named.stream().anyMatch(p -> p.endsWith("(" + pid + ")")));
  }

  /** The one finding whose id or destination names the port; fails if there are more or none. */
  private static JsonNode theOnlyFindingAboutThePort(JsonNode findings, String context) {
    List<JsonNode> about = aboutThePort(findings);
    assertThat(about).as(context).hasSize(1);
    return about.getFirst();
  }

  private static List<JsonNode> aboutThePort(JsonNode findings) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode f : findings) {
      String id = f.get("id").asString();
      String destination = f.get("subject").get("destination").asString();
      if (id.contains(":" + PORT)
          || id.contains("port " + PORT)
          || destination.endsWith(":" + PORT)) {
        out.add(f);
      }
    }
    return out;
  }

  private static String detector(JsonNode f) {
    return f.get("detector").asString();
  }

  private void awaitRounds(long rounds) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (herd.counts().stream().anyMatch(c -> c.rounds() < rounds)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("probers did not run " + rounds + " rounds in 60 s");
      }
      Thread.sleep(200);
    }
  }
}
