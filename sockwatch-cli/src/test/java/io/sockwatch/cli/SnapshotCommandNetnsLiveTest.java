package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code snapshot --netns} and {@code doctor --netns} read another network namespace from this one:
 * a quiescent population inside a namespace of the test's own, named by ip-netns name, by inode and
 * by a worker's pid, equals {@code ip netns exec NS ss -tan} state by state, and attribution names
 * the worker processes although they live in that namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("live")
class SnapshotCommandNetnsLiveTest {

  private TestNetns ns;
  private SocketPopulation population;

  @BeforeAll
  void populate() throws Exception {
    ns = TestNetns.create("swsnap");
    population =
        SocketPopulation.builder()
            .netns(ns.name())
            .listenBase("127.93")
            .established(120)
            .timeWait(30)
            .closeWait(20)
            .parallelism(1)
            .start();
  }

  @AfterAll
  void tearDown() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {population, ns}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  @Test
  void eachWayOfNamingTheNamespaceReadsItsTableAsSsDoes() throws Exception {
    Map<String, Integer> ss = byState(SsTable.readInNetns(ns.name()).countsByState());
    assertThat(ss).containsKeys("ESTAB", "TIME-WAIT", "CLOSE-WAIT");
    String inode = ns.exec("stat", "-L", "-c", "%i", "/run/netns/" + ns.name()).strip();
    long worker = population.workers().getFirst().pid();
    for (String choice : new String[] {ns.name(), inode, "pid:" + worker}) {
      CliRun run = CliRun.of("snapshot", "--netns", choice, "-o", "json");
      assertThat(run.exitCode()).as(choice + ": " + run.err()).isZero();
      assertThat(byState(run.json())).as(choice).isEqualTo(ss);
      assertThat(run.json().get("processes").has(Long.toString(worker)))
          .as(choice + ": attributed to the worker in that namespace")
          .isTrue();
    }
    CliRun doctor = CliRun.of("doctor", "--once", "--netns", ns.name(), "-o", "json");
    assertThat(doctor.json().get("socket_count").asInt())
        .isEqualTo(ss.values().stream().mapToInt(Integer::intValue).sum());
  }

  @Test
  void planModelsTheNamedNamespacesPortRange() throws Exception {
    ns.sysctl("net.ipv4.ip_local_port_range", "40000 40999");
    CliRun plan = CliRun.of("plan", "--nodes", "10", "--netns", ns.name(), "-o", "json");
    assertThat(plan.exitCode()).as(plan.err()).isZero();
    JsonNode range = plan.json().get("portRange");
    assertThat(range.get("low").asInt()).isEqualTo(40000);
    assertThat(range.get("size").asInt()).isEqualTo(1000);
    CliRun all = CliRun.of("plan", "--nodes", "10", "--netns", "all");
    assertThat(all.exitCode()).isEqualTo(2);
    assertThat(all.err()).startsWith("sockwatch: --netns all: this command models one namespace");
  }

  @Test
  void unknownNamespacesAndRecordedRootsAreUsageErrors() {
    CliRun missing = CliRun.of("snapshot", "--netns", "no-such-namespace-here");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).startsWith("sockwatch: --netns: no network namespace");
    CliRun badPid = CliRun.of("snapshot", "--netns", "pid:x");
    assertThat(badPid.exitCode()).isEqualTo(2);
    assertThat(badPid.err()).startsWith("sockwatch: --netns: pid:PID takes a process id");
    CliRun root = CliRun.of("snapshot", "--netns", ns.name(), "--root", "/tmp");
    assertThat(root.exitCode()).isEqualTo(2);
    assertThat(root.err()).contains("cannot be combined with --root");
  }

  /** ss's state names to counts, the snapshot's JSON spelled the same way. */
  private static Map<String, Integer> byState(JsonNode snapshot) {
    Map<String, Integer> out = new TreeMap<>();
    for (JsonNode s : snapshot.get("sockets")) {
      String state =
          s.get("state")
              .asString()
              .toUpperCase(Locale.ROOT)
              .replace('_', '-')
              .replaceAll("WAIT([12])$", "WAIT-$1");
      out.merge(state.equals("ESTABLISHED") ? "ESTAB" : state, 1, Integer::sum);
    }
    return out;
  }

  private static Map<String, Integer> byState(Map<String, Integer> ss) {
    return new TreeMap<>(ss);
  }
}
