package io.sockwatch.cli.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsEntry;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real {@code sockwatch serve} in a namespace of the test's own, scraped as Prometheus would.
 * The agent runs with a 600 s interval, so the one scan it makes at start is the one every request
 * of the test reads: {@code /metrics} and {@code /api/snapshot} describe the same table.
 */
@Tag("live")
class ServeMetricsLiveTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Closer opened = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  /**
   * Ground truth: the namespace holds a population of known states, the agent's listener and the
   * test's own requests to it. In the scan the metrics come from, the population's sockets are
   * exactly what was built (which {@code ss} confirms), everything else is on the agent's port, and
   * {@code sockwatch_sockets} counts exactly those sockets per state.
   */
  @Test
  void socketsByStateAreExactlyWhatTheNamespaceHolds() throws Exception {
    TestNetns ns = opened.keep(TestNetns.create("metrics"));
    SocketPopulation pop =
        opened.keep(
            SocketPopulation.builder()
                .netns(ns.name())
                .established(150)
                .timeWait(60)
                .closeWait(40)
                .start());
    ServeProcess agent =
        opened.keep(ServeProcess.start(ns, ServeProcess.ONE_SCAN, "--interval", "600s"));

    ServeProcess.Response metrics = agent.awaitOk("/metrics", Duration.ofSeconds(60));
    ServeProcess.Response snapshot = agent.get("/api/snapshot?sockets=true");

    Promtool.assertPasses(metrics.body());
    Exposition e = Exposition.parse(metrics.body());
    assertThat(e.value("sockwatch_scans_total")).contains(1.0);
    JsonNode snap = JSON.readTree(snapshot.body());
    Instant takenAt = Instant.parse(snap.get("taken_at").asString());
    assertThat(e.value("sockwatch_last_scan_timestamp_seconds").orElseThrow())
        .as("both answers come from the one scan")
        .isCloseTo(takenAt.getEpochSecond() + takenAt.getNano() / 1e9, within(1e-3));

    Map<TcpState, Integer> all = new TreeMap<>();
    Map<String, Integer> population = new TreeMap<>();
    List<String> strangers = new ArrayList<>();
    for (JsonNode s : snap.get("sockets")) {
      TcpState state = TcpState.valueOf(s.get("state").asString());
      all.merge(state, 1, Integer::sum);
      String local = endpoint(s.get("local"));
      String remote = endpoint(s.get("remote"));
      if (pop.owns(local, remote)) {
        population.merge(state.ssName(), 1, Integer::sum);
      } else if (s.get("local").get("port").asInt() != agent.port()
          && s.get("remote").get("port").asInt() != agent.port()) {
        strangers.add(state + " " + local + " " + remote);
      }
    }
    assertThat(population).isEqualTo(pop.expectedCounts());
    assertThat(strangers).as("sockets neither of the population nor of the agent").isEmpty();
    for (TcpState state : TcpState.values()) {
      assertThat(e.value("sockwatch_sockets", "state", SeriesNames.state(state)))
          .as(state.name())
          .contains((double) all.getOrDefault(state, 0));
    }
    assertThat(pop.snapshot().countsByState()).as("ss, now").isEqualTo(pop.expectedCounts());
    assertThat(Instant.now()).as("no TIME_WAIT expired yet").isBefore(pop.timeWaitStableUntil());
  }

  private static String endpoint(JsonNode e) {
    String address = e.get("address").asString();
    if (address.startsWith("::ffff:")) {
      address = address.substring(7);
    }
    return address + ":" + e.get("port").asInt();
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  /**
   * Cardinality: 50,000 connections to 10,000 distinct destinations (100,000 sockets with their
   * accepted ends), built by as many generator processes as the open-files limit requires. With the
   * default {@code --top 20} the scrape stays under the documented 600 samples and passes promtool,
   * while the totals still say how many destinations there are.
   */
  @Test
  void tenThousandDestinationsStayUnderTheSampleCap() throws Exception {
    int connections = 50_000;
    int destinations = 10_000;
    int firstPort = 7300;
    TestNetns ns = opened.keep(TestNetns.create("card"));
    ns.sysctl("net.ipv4.ip_local_port_range", "20000 65000");
    // each generator holds both ends of its connections, and the JVM needs a few hundred more
    int workers = (int) Math.ceil(2.0 * connections / (hardOpenFilesLimit() - 500));
    List<ChildJvm> fans = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int from = destinations * w / workers;
      int to = destinations * (w + 1) / workers;
      int conns = connections * (w + 1) / workers - connections * w / workers;
      fans.add(
          opened.keep(
              ChildJvm.launcher()
                  .netns(ns)
                  .heap("256m")
                  .flags(
                      "-XX:TieredStopAtLevel=1",
                      "--enable-native-access=ALL-UNNAMED",
                      "-Djava.net.preferIPv4Stack=true")
                  .start(
                      FanOutMain.class,
                      Integer.toString(firstPort + w),
                      Integer.toString(conns),
                      Integer.toString(from),
                      Integer.toString(to - from))));
    }
    for (ChildJvm fan : fans) {
      fan.awaitLine("READY", Duration.ofSeconds(300));
    }
    int lastPort = firstPort + workers - 1;
    SsTable outbound =
        SsTable.readInNetns(
            ns.name(), "dport", ">=", ":" + firstPort, "and", "dport", "<=", ":" + lastPort);
    Set<String> peers = new HashSet<>();
    outbound.entries().stream().map(SsEntry::peer).forEach(peers::add);
    assertThat(outbound.size()).as("ss: outbound sockets").isEqualTo(connections);
    assertThat(peers).as("ss: distinct destinations").hasSize(destinations);

    ServeProcess agent =
        opened.keep(ServeProcess.start(ns, ServeProcess.ONE_SCAN, "--interval", "600s"));
    ServeProcess.Response metrics = agent.awaitOk("/metrics", Duration.ofSeconds(120));

    Promtool.assertPasses(metrics.body());
    Exposition e = Exposition.parse(metrics.body());
    assertThat(e.samples()).hasSizeLessThan(600);
    // The test's own requests to the agent (curl, inside the namespace) are outbound too: one
    // more destination, 127.0.0.1:<agent port>, when the scan caught one of them.
    assertThat(e.value("sockwatch_destinations").orElseThrow())
        .isBetween((double) destinations, destinations + 1.0);
    assertThat(e.samples(SeriesNames.DESTINATION_OPEN)).hasSize(20);
    assertThat(e.samples(SeriesNames.DESTINATION_TIME_WAIT)).hasSize(20);
    assertThat(e.samples(SeriesNames.PROCESS_SOCKETS)).hasSizeBetween(workers + 1, 20);
    assertThat(e.value("sockwatch_sockets", "state", "established").orElseThrow())
        .isGreaterThanOrEqualTo(2.0 * connections);
    for (int w = 0; w < workers; w++) {
      int conns = connections * (w + 1) / workers - connections * w / workers;
      assertThat(
              e.value(
                  SeriesNames.PROCESS_SOCKETS,
                  "pid",
                  Long.toString(fans.get(w).pid()),
                  "comm",
                  "java"))
          .as("generator %d holds its listener and both ends of its connections", w)
          .contains(2.0 * conns + 1);
    }
  }

  /** The hard RLIMIT_NOFILE this JVM (and so every child) runs under. */
  private static long hardOpenFilesLimit() throws java.io.IOException {
    for (String line :
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
        return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
      }
    }
    throw new java.io.IOException("no open-files limit in /proc/self/limits");
  }
}
