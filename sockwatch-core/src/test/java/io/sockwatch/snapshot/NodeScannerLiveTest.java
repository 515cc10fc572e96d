package io.sockwatch.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.netns.NetnsExecutor;
import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link NodeScanner} on the live node with two namespaces of the test's own: every namespace is
 * read with its own table and counters, the node-wide view uses the host's counters, one walk
 * attributes sockets of every namespace, process filters apply after it, and {@code self} / {@code
 * host} stay the single-namespace path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("live")
class NodeScannerLiveTest {

  private static final SnapshotReader.Options FULL =
      new SnapshotReader.Options(SourceChoice.AUTO, true, true, true);

  private TestNetns one;
  private TestNetns two;
  private SocketPopulation onePopulation;
  private SocketPopulation twoPopulation;
  private NetnsExecutor executor;

  @BeforeAll
  void start() throws Exception {
    executor = new NetnsExecutor();
    one = TestNetns.create("nsca");
    two = TestNetns.create("nscb");
    onePopulation =
        SocketPopulation.builder()
            .netns(one.name())
            .listenBase("127.96")
            .established(30)
            .parallelism(1)
            .start();
    twoPopulation =
        SocketPopulation.builder()
            .netns(two.name())
            .listenBase("127.97")
            .established(12)
            .parallelism(1)
            .start();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {onePopulation, twoPopulation, one, two, executor}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // close the rest
      }
    }
  }

  private NodeScanner scanner(NetnsChoice choice) {
    return NodeScanner.of(choice, SnapshotReader.forRoot(Path.of("/")), executor);
  }

  @Test
  void allReadsEachNamespaceWithItsOwnCountersAndTheHostsForTheNode() throws Exception {
    NodeScan scan = scanner(NetnsChoice.ALL).read(SocketFilter.ALL, FULL);

    assertThat(scan.perNamespace()).isTrue();
    for (TestNetns ns : List.of(one, two)) {
      NamespaceSnapshot n = find(scan, ns);
      assertThat(byState(n.snapshot()))
          .as(ns.name())
          .isEqualTo(new TreeMap<>(SsTable.readInNetns(ns.name()).countsByState()));
      // Its own counters: sockstat inuse counts this namespace's sockets only.
      long inuse = n.snapshot().node().orElseThrow().sockstat("TCP", "inuse").orElseThrow();
      assertThat(inuse).as(ns.name()).isEqualTo(n.snapshot().sockets().size());
      assertThat(n.snapshot().node().orElseThrow().tunables().tcpMem())
          .as("a namespace does not show tcp_mem")
          .isEmpty();
    }
    // The node's view: the host's counters, with tcp_mem; no complaint about the namespaces'
    // hidden node-wide sysctls, since the host's were read.
    assertThat(scan.merged().node().orElseThrow().tunables().tcpMem()).isPresent();
    assertThat(scan.unavailable())
        .extracting(Unavailable::reason)
        .doesNotContain(NodeStatsSource.NODE_WIDE_ABSENT);
    // One attribution for all: the workers in each namespace own their sockets.
    for (long pid : onePopulation.workerPids()) {
      assertThat(scan.merged().owners().process((int) pid)).isNotNull();
    }
    int total = scan.namespaces().stream().mapToInt(n -> n.snapshot().sockets().size()).sum();
    assertThat(scan.merged().sockets()).hasSize(total);
  }

  @Test
  void processFiltersApplyAfterTheOneAttribution() throws Exception {
    int worker = (int) (long) twoPopulation.workerPids().getFirst();
    SocketFilter onlyWorker =
        new SocketFilter(
            EnumSet.of(TcpState.ESTABLISHED),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Set.of(worker),
            Set.of());
    NodeScan scan = scanner(NetnsChoice.ALL).read(onlyWorker, FULL);

    assertThat(find(scan, two).snapshot().sockets())
        .hasSize(SsTable.readInNetns(two.name()).countsByState().get("ESTAB"));
    assertThat(find(scan, one).snapshot().sockets()).isEmpty();
    assertThat(scan.merged().sockets()).hasSize(find(scan, two).snapshot().sockets().size());
  }

  @Test
  void oneNamedNamespaceAndTheSingleNamespaceChoices() throws Exception {
    NodeScan named = scanner(NetnsChoice.parse(two.name())).read(SocketFilter.ALL, FULL);
    assertThat(named.namespaces()).hasSize(1);
    assertThat(named.namespaces().getFirst().namespace().names()).containsExactly(two.name());

    NodeScan self = scanner(NetnsChoice.SELF).read(SocketFilter.ALL, FULL);
    assertThat(self.perNamespace()).isFalse();
    // Tests run in the host's namespace (as root, where even a sandbox hiding pid 1 shows
    // kthreadd's link): host is the own namespace, read without an inventory and without a note.
    NodeScan host = scanner(NetnsChoice.HOST).read(SocketFilter.ALL, FULL);
    assertThat(host.perNamespace()).isFalse();
    assertThat(host.unavailable())
        .extracting(Unavailable::item)
        .doesNotContain("host network namespace");

    assertThatThrownBy(
            () -> scanner(NetnsChoice.parse("no-such-ns-here")).read(SocketFilter.ALL, FULL))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageStartingWith("no network namespace 'no-such-ns-here'");
  }

  private static NamespaceSnapshot find(NodeScan scan, TestNetns ns) {
    return scan.namespaces().stream()
        .filter(n -> n.namespace().names().contains(ns.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(ns.name() + " not read"));
  }

  private static Map<String, Integer> byState(Snapshot s) {
    Map<String, Integer> out = new TreeMap<>();
    s.sockets().forEach(r -> out.merge(r.state().ssName(), 1, Integer::sum));
    return out;
  }
}
