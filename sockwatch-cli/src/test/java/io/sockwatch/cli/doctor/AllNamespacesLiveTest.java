package io.sockwatch.cli.doctor;

import static io.sockwatch.cli.doctor.LeakFixtures.awaitSs;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.ServeProcess;
import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestCgroup;
import io.sockwatch.testkit.TestNetns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code --netns all} from the host, as on a Kubernetes node: three namespaces of the test's own,
 * two running socket populations and one a leaking server, all read by one sockwatch in the host's
 * namespace. Every namespace is found, its counts equal {@code ip netns exec NS ss -tan} state by
 * state, and the leak is reported in the namespace it lives in, naming the leaking process and its
 * container, by {@code doctor} and by {@code serve}. The leaking server is moved into a cgroup of
 * the kubelet's shape, so its container label comes from its real {@code /proc/PID/cgroup}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("live")
class AllNamespacesLiveTest {

  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final int LEAKED = 8;
  private static final String POD_UID = "0f6c1e2a-3b4d-4c5e-8f70-1a2b3c4d5e6f";
  private static final String CONTAINER_ID =
      "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

  /** What sockwatch calls the leaking server's container: pod UID and short container id. */
  private static final String CONTAINER = "pod " + POD_UID + " container 3f2a9c1b0d4e";

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private TestNetns web;
  private TestNetns batch;
  private TestNetns leaky;
  private SocketPopulation webPopulation;
  private long serverPid;
  private int port;

  @BeforeAll
  void start() throws Exception {
    try {
      web = keep(TestNetns.create("swallw"));
      batch = keep(TestNetns.create("swallb"));
      leaky = keep(TestNetns.create("swalll"));
      webPopulation =
          keep(
              SocketPopulation.builder()
                  .netns(web.name())
                  .listenBase("127.94")
                  .established(150)
                  .timeWait(40)
                  .closeWait(10)
                  .parallelism(1)
                  .start());
      keep(
          SocketPopulation.builder()
              .netns(batch.name())
              .listenBase("127.95")
              .established(60)
              .timeWait(80)
              .parallelism(1)
              .start());
      ChildJvm server = keep(LeakFixtures.child(leaky, null, LeakServerMain.class, "127.0.0.1"));
      String[] ready = server.awaitLine("port ", BOUND).split(" ");
      port = Integer.parseInt(ready[1]);
      serverPid = Long.parseLong(ready[3]);
      // The server becomes a pod's container as far as its /proc/PID/cgroup shows.
      keep(TestCgroup.kubeletContainer(POD_UID, CONTAINER_ID)).add(serverPid);
      try (ChildJvm clients =
          LeakFixtures.child(
              leaky,
              null,
              LeakClientMain.class,
              "send",
              "127.0.0.1",
              Integer.toString(port),
              "127.0.0.2",
              Integer.toString(LEAKED),
              "100",
              "0")) {
        assertThat(clients.await(BOUND)).as(clients.stderr()).isZero();
      }
      awaitSs(leaky, "close-wait", "sport = :" + port, rows -> rows.size() == LEAKED, BOUND);
    } catch (Exception | AssertionError e) {
      stop();
      throw e;
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    cleanup.add(resource);
    return resource;
  }

  @AfterAll
  void stop() {
    // Processes first, then the namespaces they ran in; keep going past failures.
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        // the rest still get closed
      }
    }
    cleanup.clear();
  }

  @Test
  void everyNamespaceIsFoundAndCountedAsSsCountsIt() throws Exception {
    Map<TestNetns, Map<String, Integer>> before = ssCounts();
    DoctorProcess run = DoctorProcess.run(null, "snapshot", "--netns", "all", "-o", "json");
    Map<TestNetns, Map<String, Integer>> after = ssCounts();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(after).as("the tables did not change while sockwatch read them").isEqualTo(before);

    JsonNode json = run.json();
    Map<Long, JsonNode> namespaces = new TreeMap<>();
    for (JsonNode n : json.get("namespaces")) {
      namespaces.put(n.get("inode").asLong(), n);
    }
    assertThat(namespaces.values().stream().filter(n -> n.get("host").asBoolean()))
        .as("the host's namespace is read as well")
        .hasSize(1);
    for (TestNetns ns : List.of(web, batch, leaky)) {
      long inode = inode(ns);
      assertThat(namespaces).as(ns.name()).containsKey(inode);
      JsonNode n = namespaces.get(inode);
      assertThat(n.get("label").asString()).isEqualTo(ns.name());
      Map<String, Integer> mine = new TreeMap<>();
      for (JsonNode s : json.get("sockets")) {
        if (s.has("netns") && s.get("netns").asLong() == inode) {
          mine.merge(ssName(s.get("state").asString()), 1, Integer::sum);
        }
      }
      assertThat(mine).as(ns.name()).isEqualTo(before.get(ns));
      assertThat(n.get("socket_count").asInt())
          .isEqualTo(mine.values().stream().mapToInt(Integer::intValue).sum());
    }
    JsonNode server = json.get("processes").get(Long.toString(serverPid));
    assertThat(server)
        .as("the leaking server, running in its namespace, is attributed")
        .isNotNull();
    assertThat(server.get("container").asString()).isEqualTo(CONTAINER);
    assertThat(namespaces.get(inode(leaky)).get("containers").toString()).contains(CONTAINER);
  }

  @Test
  void doctorNamesTheNamespaceAndProcessOfTheLeak() throws Exception {
    DoctorProcess run =
        DoctorProcess.run(
            null, "doctor", "-o", "json", "--interval", "1s", "--set", "close-wait.min-age=0s");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    String who = LeakFixtures.label(serverPid);
    JsonNode leak = LeakFixtures.findingFor(run, "close-wait", who);
    long inode = inode(leaky);
    assertThat(leak.get("subject").get("netns").asString()).isEqualTo(leaky.name());
    assertThat(leak.get("subject").get("netns_inode").asLong()).isEqualTo(inode);
    assertThat(leak.get("id").asString()).isEqualTo("close-wait/" + who + "@netns:" + inode);
    assertThat(leak.get("subject").get("containers").toString())
        .isEqualTo("[\"" + CONTAINER + "\"]");
    assertThat(DoctorJson.evidence(leak, "close_wait_sockets")).isEqualTo(LEAKED);

    // The web namespace's CLOSE_WAIT sockets are its own workers', judged and placed there.
    List<Long> workers = webPopulation.workerPids();
    for (JsonNode f : run.findings("close-wait")) {
      if (f.get("subject").get("netns").asString().equals(web.name())) {
        for (JsonNode p : f.get("subject").get("processes")) {
          assertThat(workers).contains(pidOf(p.asString()));
        }
      } else if (f.get("subject").get("netns").asString().equals(leaky.name())) {
        assertThat(f).isEqualTo(leak);
      }
    }
    assertThat(run.findings("close-wait"))
        .anyMatch(f -> f.get("subject").get("netns").asString().equals(web.name()));
  }

  @Test
  void serveReportsTheLeakInItsNamespaceAndExportsPerNamespaceCounts() throws Exception {
    try (ServeProcess serve =
        ServeProcess.start(
            null,
            "--netns",
            "all",
            "--interval",
            "1s",
            "--open-after",
            "1",
            "--set",
            "close-wait.min-age=0s")) {
      serve.awaitWarm(2, 5.0, Duration.ofSeconds(60));
      String who = LeakFixtures.label(serverPid);
      String id = "close-wait/" + who + "@netns:" + inode(leaky);
      JsonNode leak = null;
      JsonNode last = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (leak == null && System.nanoTime() < deadline) {
        last = serve.findings();
        for (JsonNode f : last.get("open")) {
          if (f.get("id").asString().equals(id)) {
            leak = f;
          }
        }
        if (leak == null) {
          Thread.sleep(200);
        }
      }
      assertThat(leak).as("open %s; last /api/findings: %s", id, last).isNotNull();
      assertThat(leak.get("subject").get("netns").asString()).isEqualTo(leaky.name());

      JsonNode status = serve.json("/api/status").get("namespaces");
      assertThat(status.get("read").asInt())
          .as("host and the test's three")
          .isGreaterThanOrEqualTo(4);
      assertThat(status.get("largest").toString()).contains("\"netns\":\"" + web.name() + "\"");

      List<String> metrics = serve.get("/metrics").body().lines().toList();
      assertThat(
              line(
                  metrics,
                  "sockwatch_netns_sockets{",
                  "inode=\"" + inode(leaky) + "\"",
                  "netns=\"" + leaky.name() + "\"",
                  "container=\"" + CONTAINER + "\"",
                  "state=\"close_wait\""))
          .endsWith("} " + LEAKED + ".0");
      assertThat(
              line(
                  metrics,
                  "sockwatch_finding_open{",
                  "id=\"" + id + "\"",
                  "netns=\"" + leaky.name() + "\"",
                  "container=\"" + CONTAINER + "\""))
          .endsWith("} 1.0");
    }
  }

  /** The one exposition line of {@code family} with every one of {@code labels}. */
  private static String line(List<String> exposition, String family, String... labels) {
    List<String> found =
        exposition.stream()
            .filter(l -> l.startsWith(family) && List.of(labels).stream().allMatch(l::contains))
            .toList();
    assertThat(found).as(family + " " + List.of(labels)).hasSize(1);
    return found.getFirst();
  }

  private Map<TestNetns, Map<String, Integer>> ssCounts() throws Exception {
    Map<TestNetns, Map<String, Integer>> out = new java.util.LinkedHashMap<>();
    for (TestNetns ns : List.of(web, batch, leaky)) {
      out.put(ns, new TreeMap<>(SsTable.readInNetns(ns.name()).countsByState()));
    }
    return out;
  }

  private static long inode(TestNetns ns) throws Exception {
    return Long.parseLong(ns.exec("stat", "-L", "-c", "%i", "/run/netns/" + ns.name()).strip());
  }

  private static long pidOf(String label) {
    return Long.parseLong(label.substring(label.lastIndexOf('(') + 1, label.length() - 1));
  }

  /** The snapshot's state name spelled as {@code ss} spells it. */
  private static String ssName(String state) {
    String s =
        state.toUpperCase(Locale.ROOT).replace('_', '-').replaceAll("WAIT([12])$", "WAIT-$1");
    return s.equals("ESTABLISHED") ? "ESTAB" : s;
  }
}
