package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code sockwatch snapshot} against the real kernel, with {@code ss -tan} as ground truth: a
 * population from the project's generator (ESTABLISHED, TIME_WAIT, CLOSE_WAIT/FIN_WAIT2 held by
 * worker processes) plus sockets this test opens itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("live")
class SnapshotCommandLiveTest {

  private static final long SELF = ProcessHandle.current().pid();

  private SocketPopulation population;
  private ServerSocket listener;
  private Socket client;
  private Socket accepted;

  @BeforeAll
  void buildPopulation() throws IOException {
    population =
        SocketPopulation.builder()
            .listenBase("127.91")
            // Below the ephemeral range (32768-60999 by default), so no client socket anywhere
            // can hold the listeners' port number and blur "--sport"/"--dport" selections.
            .port(20_000 + (int) (SELF % 10_000))
            .established(600)
            .timeWait(150)
            .closeWait(80)
            .maxDescriptorsPerWorker(900) // several worker processes, to check attribution per pid
            .start();
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    client = new Socket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort());
    accepted = listener.accept();
  }

  @AfterAll
  void tearDown() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {accepted, client, listener, population}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  /** Sockets of the population or of this test, as "STATE local peer" with multiplicity. */
  private Map<String, Integer> ours(Map<String, Integer> keys) {
    Map<String, Integer> out = new HashMap<>();
    String mine = ":" + listener.getLocalPort();
    keys.forEach(
        (k, n) -> {
          String[] p = k.split(" ");
          if (population.owns(p[1], p[2]) || p[1].endsWith(mine) || p[2].endsWith(mine)) {
            out.put(k, n);
          }
        });
    return out;
  }

  private static Map<String, Integer> tupleKeys(JsonNode snapshot) {
    Map<String, Integer> keys = new HashMap<>();
    for (JsonNode s : snapshot.get("sockets")) {
      keys.merge(key(s), 1, Integer::sum);
    }
    return keys;
  }

  private static String key(JsonNode s) {
    return ssState(s.get("state").asString())
        + " "
        + endpoint(s.get("local"))
        + " "
        + endpoint(s.get("remote"));
  }

  private static String endpoint(JsonNode e) {
    String a = e.get("address").asString();
    return (a.contains(":") ? "[" + a + "]" : a) + ":" + e.get("port").asInt();
  }

  private static String ssState(String kernelName) {
    return io.sockwatch.model.TcpState.valueOf(kernelName).ssName();
  }

  /**
   * Reads ss, then sockwatch, then ss again, until the two ss readings agree (nothing else on the
   * machine changed the table meanwhile); bounded.
   */
  private Stable readStable(String... args) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      Map<String, Integer> before = SsTable.read().tupleKeys();
      CliRun run = CliRun.of(args);
      Map<String, Integer> after = SsTable.read().tupleKeys();
      assertThat(run.exitCode()).as(run.err()).isZero();
      if (before.equals(after) || Instant.now().isAfter(deadline)) {
        return new Stable(before, after, run);
      }
    }
  }

  private record Stable(Map<String, Integer> ssBefore, Map<String, Integer> ssAfter, CliRun run) {
    boolean quiescent() {
      return ssBefore.equals(ssAfter);
    }
  }

  @Test
  void listingEqualsSsForThePopulationAndTheWholeTable() throws IOException {
    Stable s = readStable("snapshot", "--output", "json");
    Map<String, Integer> ss = s.ssBefore();
    Map<String, Integer> sw = tupleKeys(s.run().json());
    // The population and this test's sockets are quiescent by construction: always exact.
    assertThat(ours(sw)).isEqualTo(ours(ss)).isNotEmpty();
    Map<String, Integer> byState = new HashMap<>();
    ours(sw).forEach((k, n) -> byState.merge(k.substring(0, k.indexOf(' ')), n, Integer::sum));
    assertThat(byState)
        .containsEntry("ESTAB", 2 * 600 + 2)
        .containsEntry("TIME-WAIT", 150)
        .containsEntry("CLOSE-WAIT", 80)
        .containsEntry("FIN-WAIT-2", 80);
    // The whole table too, whenever ss saw the same table before and after our read.
    if (s.quiescent()) {
      assertThat(sw).isEqualTo(ss);
    }
  }

  @Test
  void netlinkAndProcSourcesAgreeOnTheSetOfSockets() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      Map<String, Integer> before = SsTable.read().tupleKeys();
      CliRun netlink = CliRun.of("snapshot", "--source", "netlink", "--no-processes", "-o", "json");
      CliRun proc = CliRun.of("snapshot", "--source", "proc", "--no-processes", "-o", "json");
      Map<String, Integer> after = SsTable.read().tupleKeys();
      assertThat(netlink.exitCode()).as(netlink.err()).isZero();
      assertThat(proc.exitCode()).as(proc.err()).isZero();
      assertThat(netlink.json().get("source").asString()).isEqualTo("netlink");
      assertThat(proc.json().get("source").asString()).isEqualTo("proc");
      Map<String, Integer> n = tupleKeys(netlink.json());
      Map<String, Integer> p = tupleKeys(proc.json());
      assertThat(ours(p)).isEqualTo(ours(n)).isNotEmpty();
      if (before.equals(after)) {
        assertThat(p).isEqualTo(n);
        return;
      }
    }
    // The machine never held still for long enough; the population comparison above still ran.
  }

  @Test
  void attributionNamesThisProcessAndTheWorkers() throws IOException {
    CliRun run = CliRun.of("snapshot", "--output", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("attributed").asBoolean()).isTrue();
    // java.net sockets are dual-stack: the kernel shows them as [::ffff:127.0.0.1]:port.
    String mine = "127.0.0.1]:" + listener.getLocalPort();
    Set<Long> workerPids = new HashSet<>(population.workerPids());
    int checkedPopulation = 0;
    int checkedOwn = 0;
    for (JsonNode s : json.get("sockets")) {
      String local = endpoint(s.get("local"));
      String remote = endpoint(s.get("remote"));
      String state = s.get("state").asString();
      if (local.endsWith(mine) || remote.endsWith(mine)) {
        assertThat(s.get("ownership").asString()).isEqualTo("process");
        assertThat(s.get("pids").get(0).asLong()).isEqualTo(SELF);
        checkedOwn++;
      } else if (population.owns(local, remote)) {
        if (state.equals("TIME_WAIT")) {
          assertThat(s.get("ownership").asString()).isEqualTo("time-wait");
          assertThat(s.has("pids")).isFalse();
        } else {
          assertThat(s.get("ownership").asString()).isEqualTo("process");
          assertThat(workerPids).contains(s.get("pids").get(0).asLong());
        }
        checkedPopulation++;
      }
    }
    assertThat(checkedOwn).isEqualTo(3); // listener, client, accepted
    assertThat(checkedPopulation)
        .isEqualTo(2 * 600 + 150 + 2 * 80 + population.listenerEndpoints().size());
    assertThat(json.get("processes").get(Long.toString(SELF)).get("comm").asString()).isNotEmpty();
  }

  @Test
  void filtersSelectExactlyWhatTheyName() throws IOException {
    CliRun cw =
        CliRun.of(
            "snapshot",
            "--state",
            "close-wait",
            "--src",
            "127.0.0.0/8",
            "--sport",
            Integer.toString(population.port()),
            "-o",
            "json");
    assertThat(cw.exitCode()).as(cw.err()).isZero();
    assertThat(cw.json().get("socket_count").asInt()).isEqualTo(80);

    CliRun byPid =
        CliRun.of(
            "snapshot",
            "--pid",
            Long.toString(SELF),
            "--sport",
            Integer.toString(listener.getLocalPort()),
            "-o",
            "json");
    assertThat(byPid.exitCode()).as(byPid.err()).isZero();
    // The listener and the accepted socket have the listener's port as local port.
    assertThat(byPid.json().get("socket_count").asInt()).isEqualTo(2);

    CliRun byDport =
        CliRun.of(
            "snapshot",
            "--dport",
            Integer.toString(population.port()),
            "--state",
            "established",
            "-o",
            "json");
    assertThat(byDport.json().get("socket_count").asInt()).isGreaterThanOrEqualTo(600);
    for (JsonNode s : byDport.json().get("sockets")) {
      assertThat(s.get("remote").get("port").asInt()).isEqualTo(population.port());
      assertThat(s.get("state").asString()).isEqualTo("ESTABLISHED");
    }
  }

  /**
   * Runs the CLI until {@code consistent} holds, at most 10 times, and returns the last run. A
   * kernel dump is not atomic: sockets created or freed elsewhere on the host while it runs (an
   * earlier test's TIME_WAIT expiring) can make it skip a socket of ours, so an exact count is
   * retried, boundedly, and then asserted.
   */
  private static CliRun untilConsistent(Predicate<CliRun> consistent, String... args)
      throws IOException {
    CliRun run = CliRun.of(args);
    for (int i = 1; i < 20 && run.exitCode() == 0 && !consistent.test(run); i++) {
      try {
        Thread.sleep(100); // bounded: 2 s in all
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      run = CliRun.of(args);
    }
    return run;
  }

  private static int state(CliRun run, String state) {
    JsonNode n = run.json().get("summary").get("by_state").get(state);
    return n == null ? 0 : n.asInt();
  }

  private static int sum(JsonNode groups) {
    int total = 0;
    for (JsonNode g : groups) {
      total += g.get("total").asInt();
    }
    return total;
  }

  /**
   * Selects the population by its port, which is new for every run: TIME_WAIT sockets of an earlier
   * run on the same addresses may linger for 60 s and must not be counted.
   */
  @Test
  void summaryCountsEachSideOfThePopulationExactly() throws IOException {
    String port = Integer.toString(population.port());
    int listeners = population.listenerEndpoints().size();
    // Other processes may use the same port number on other addresses.
    String network = population.listenBase() + ".0.0/16";

    CliRun server =
        untilConsistent(
            r ->
                state(r, "LISTEN") == listeners
                    && state(r, "ESTABLISHED") == 600
                    && state(r, "CLOSE_WAIT") == 80,
            "snapshot",
            "--summary",
            "--sport",
            port,
            "--src",
            network,
            "-o",
            "json");
    assertThat(server.exitCode()).as(server.err()).isZero();
    JsonNode s = server.json().get("summary");
    assertThat(s.get("by_state").get("LISTEN").asInt()).isEqualTo(listeners);
    assertThat(s.get("by_state").get("ESTABLISHED").asInt()).isEqualTo(600);
    assertThat(s.get("by_state").get("CLOSE_WAIT").asInt()).isEqualTo(80);
    assertThat(s.get("by_ownership").get("process").asInt()).isEqualTo(listeners + 680);
    assertThat(sum(s.get("top_listeners"))).as("inbound connections").isEqualTo(680);
    assertThat(s.get("top_destinations")).isEmpty();
    assertThat(sum(s.get("top_processes"))).isEqualTo(listeners + 680);
    assertThat(s.get("top_processes").size()).isEqualTo(population.workerPids().size());

    CliRun client =
        untilConsistent(
            r ->
                state(r, "ESTABLISHED") == 600
                    && state(r, "TIME_WAIT") == 150
                    && state(r, "FIN_WAIT2") == 80,
            "snapshot",
            "--summary",
            "--dport",
            port,
            "--dst",
            network,
            "-o",
            "json");
    assertThat(client.exitCode()).as(client.err()).isZero();
    JsonNode c = client.json().get("summary");
    assertThat(c.get("by_state").get("ESTABLISHED").asInt()).isEqualTo(600);
    assertThat(c.get("by_state").get("TIME_WAIT").asInt()).isEqualTo(150);
    assertThat(c.get("by_state").get("FIN_WAIT2").asInt()).isEqualTo(80);
    assertThat(c.get("by_ownership").get("time-wait").asInt()).isEqualTo(150);
    assertThat(sum(c.get("top_destinations"))).as("outbound, by peer").isEqualTo(830);
    for (JsonNode g : c.get("top_destinations")) {
      assertThat(population.listenerEndpoints()).contains(g.get("key").asString());
    }
  }

  @Test
  void textListingHasOneRowPerSocketAndNamesOwners() throws IOException {
    String sport = ":" + listener.getLocalPort() + " ";
    CliRun run =
        untilConsistent(
            r -> r.out().lines().filter(l -> l.contains(sport)).count() == 2,
            "snapshot",
            // The listener's port number is one the kernel also hands out to clients: a client of
            // the population (127.91.x.x) or an earlier test's TIME_WAIT may use it on another
            // address. Only the listener and its accepted connection on 127.0.0.1 are ours.
            "--state",
            "listen,established",
            "--src",
            "127.0.0.1",
            "--sport",
            Integer.toString(listener.getLocalPort()));
    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    assertThat(lines[0]).startsWith("State").contains("Process");
    long rows = java.util.Arrays.stream(lines).filter(l -> l.contains(sport)).count();
    assertThat(rows).as(run.out()).isEqualTo(2);
    assertThat(run.out()).contains("(" + SELF + ")");
  }

  @Test
  void nodeCountersAgreeWithProcNetSockstat() throws IOException {
    CliRun run = CliRun.of("snapshot", "--node", "--state", "listen", "-o", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode node = run.json().get("node");
    assertThat(node.get("sockstat").get("TCP").get("inuse").asLong()).isPositive();
    assertThat(node.get("snmp").get("Tcp").has("ActiveOpens")).isTrue();
    assertThat(node.get("netstat").get("TcpExt").has("ListenOverflows")).isTrue();
    // Files.readAllBytes trusts the size /proc/sys reports and may return a single byte here.
    String range;
    try (var in = new java.io.FileInputStream("/proc/sys/net/ipv4/ip_local_port_range")) {
      range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
    }
    String[] lohi = range.split("\\s+");
    assertThat(node.get("sysctl").get("ip_local_port_range").get("low").asInt())
        .isEqualTo(Integer.parseInt(lohi[0]));
    assertThat(node.get("sysctl").get("ip_local_port_range").get("high").asInt())
        .isEqualTo(Integer.parseInt(lohi[1]));
  }
}
