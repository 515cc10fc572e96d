package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.testkit.SocketPopulation;
import io.sockwatch.testkit.SsTable;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Reads three namespaces this test makes (two holding socket populations, one empty and named only,
 * with its own port range) through the inventory and the per-namespace sources, and compares every
 * number with what {@code ip netns exec NS ss|cat} shows inside. Needs root, like every test that
 * makes namespaces.
 */
@Tag("live")
class NetnsSourcesLiveTest {

  /** A socket expiring between sockwatch's read and ss's is a real race; retry, bounded. */
  private static final int ATTEMPTS = 5;

  private static TestNetns busy;
  private static TestNetns churned;
  private static TestNetns empty;
  private static SocketPopulation busyPopulation;
  private static SocketPopulation churnedPopulation;
  private static NetnsExecutor executor;

  @BeforeAll
  static void createNamespaces() throws Exception {
    busy = TestNetns.create("nsa");
    churned = TestNetns.create("nsb");
    empty = TestNetns.create("nsc");
    empty.sysctl("net.ipv4.ip_local_port_range", "40000 40999");
    busyPopulation =
        SocketPopulation.builder()
            .netns(busy.name())
            .listenBase("127.91")
            .established(150)
            .closeWait(40)
            .parallelism(1)
            .start();
    churnedPopulation =
        SocketPopulation.builder()
            .netns(churned.name())
            .listenBase("127.92")
            .established(30)
            .timeWait(40)
            .parallelism(1)
            .start();
    executor = new NetnsExecutor();
  }

  @AfterAll
  static void removeNamespaces() {
    for (AutoCloseable c :
        new AutoCloseable[] {executor, busyPopulation, churnedPopulation, busy, churned, empty}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  private static NetworkNamespace find(TestNetns ns) {
    return NetnsInventory.read(Path.of("/")).byName(ns.name()).orElseThrow();
  }

  private static NetnsSources sources(NetworkNamespace ns) {
    return new NetnsSources(executor, target(ns));
  }

  private static NetnsTarget target(NetworkNamespace ns) {
    return new NetnsTarget(ns.label(), ns.inode(), ns.wayIn(), ns.procNetDirectory());
  }

  @Test
  void inventoryFindsEachNamespaceWithTheInodeStatShowsAndItsProcesses() throws Exception {
    NetnsInventory inventory = NetnsInventory.read(Path.of("/"));

    for (TestNetns ns : List.of(busy, churned, empty)) {
      long inode = Long.parseLong(run("stat", "-L", "-c", "%i", "/run/netns/" + ns.name()).trim());
      NetworkNamespace found = inventory.byName(ns.name()).orElseThrow();
      assertThat(found.inode()).as(ns.name()).isEqualTo(inode);
      assertThat(found.host()).isFalse();
      assertThat(found.wayIn()).isEqualTo(Path.of("/run/netns", ns.name()));
    }
    for (SocketPopulation pop : List.of(busyPopulation, churnedPopulation)) {
      NetworkNamespace found = inventory.byName(pop.netns()).orElseThrow();
      assertThat(found.pids()).containsAll(pop.workerPids().stream().map(Long::intValue).toList());
      long worker = pop.workerPids().getFirst();
      assertThat(run("ip", "netns", "identify", Long.toString(worker)).trim())
          .isEqualTo(pop.netns());
      assertThat(found.procNetDirectory()).isPresent();
    }
    NetworkNamespace lonely = inventory.byName(empty.name()).orElseThrow();
    assertThat(lonely.processCount()).isZero();
    assertThat(lonely.procNetDirectory()).isEmpty();

    long hostInode = hostInode();
    NetworkNamespace host = inventory.host().orElseThrow();
    assertThat(host.inode()).isEqualTo(hostInode);
    assertThat(inventory.namespaces().getFirst()).isEqualTo(host);
    assertThat(host.current()).as("this JVM runs in the host's namespace").isTrue();
  }

  @Test
  void netlinkAndProcReadsOfEachNamespaceEqualSsInsideIt() throws Exception {
    for (TestNetns ns : List.of(busy, churned, empty)) {
      NetnsSources s = sources(find(ns));
      assertMatchesSs(ns, () -> s.netlink().read(ScanRequest.all()), "netlink");
      assertMatchesSs(ns, () -> s.proc().read(ScanRequest.all()), "proc");
    }
    SocketTable busyTable = sources(find(busy)).netlink().read(ScanRequest.allWithDetails());
    assertThat(busyTable.sockets())
        .hasSize(2 * 150 + 2 * 40 + busyPopulation.listenerEndpoints().size());
    assertThat(busyTable.sockets())
        .filteredOn(r -> r.inode() != 0)
        .allMatch(r -> r.tcpInfo().isPresent() || r.state().ssName().equals("LISTEN"));
  }

  @Test
  void snapshotReaderPointedAtANamespaceReadsItsSocketsWithEitherSource() throws Exception {
    NetworkNamespace ns = find(busy);
    for (SourceChoice choice : List.of(SourceChoice.NETLINK, SourceChoice.PROC)) {
      Snapshot snapshot =
          SnapshotReader.forNamespace(ns, executor)
              .read(SocketFilter.ALL, new SnapshotReader.Options(choice, true, true, false));
      assertThat(keys(snapshot.sockets()))
          .as(choice.name())
          .isEqualTo(SsTable.readInNetns(busy.name()).tupleKeys());
      // Attribution walks the host's /proc: the population's workers own its sockets.
      SocketRecord established =
          snapshot.sockets().stream().filter(r -> r.inode() != 0).findFirst().orElseThrow();
      assertThat(snapshot.ownersOf(established))
          .anyMatch(p -> busyPopulation.workerPids().contains((long) p.pid()));
    }
  }

  @Test
  void theHostReadIsUnchangedAndHoldsNoneOfTheNamespacesSockets() throws Exception {
    long before = inode(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    SocketTable inside = sources(find(busy)).netlink().read(ScanRequest.all());
    long after = inode(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    assertThat(after).isEqualTo(before);

    // Cookies are unique on the whole host, so they tell the namespace's sockets apart from any
    // look-alike another test may hold in the host's namespace.
    Set<Long> insideCookies = cookies(inside.sockets());
    assertThat(insideCookies).hasSize(inside.sockets().size());
    SocketTable host = new NetlinkSockDiagSource().read(ScanRequest.all());
    assertThat(cookies(host.sockets())).doesNotContainAnyElementsOf(insideCookies);
    NetworkNamespace current = NetnsInventory.read(Path.of("/")).host().orElseThrow();
    Snapshot viaInventory =
        SnapshotReader.forNamespace(current, executor)
            .read(
                SocketFilter.ALL,
                new SnapshotReader.Options(SourceChoice.NETLINK, false, false, false));
    assertThat(cookies(viaInventory.sockets())).doesNotContainAnyElementsOf(insideCookies);
  }

  private static Set<Long> cookies(Collection<SocketRecord> sockets) {
    Set<Long> out = new HashSet<>();
    sockets.forEach(r -> out.add(r.cookie()));
    return out;
  }

  @Test
  void countersAndSysctlsComeFromTheNamespaceNotTheHost() throws Exception {
    NodeStats lonely = sources(find(empty)).readNode();
    assertThat(lonely.tunables().localPortRange()).contains(new PortRange(40000, 40999));
    assertThat(empty.exec("cat", "/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+"))
        .containsExactly("40000", "40999");
    assertThat(lonely.sockstat("TCP", "inuse")).hasValue(0);
    assertThat(lonely.tunables().tcpMem()).isEmpty();
    assertThat(lonely.unavailable())
        .anySatisfy(
            u -> {
              assertThat(u.item()).endsWith("tcp_mem");
              assertThat(u.reason()).contains("node-wide");
            });

    NetnsSources busySources = sources(find(busy));
    boolean equal = false;
    Map<String, Long> ours = Map.of();
    Map<String, Long> theirs = Map.of();
    for (int i = 0; i < ATTEMPTS && !equal; i++) {
      NodeStats stats = busySources.readNode();
      ours = stats.sockstat().get("TCP");
      theirs = sockstatTcp(busy.exec("cat", "/proc/net/sockstat"));
      equal =
          ours.get("inuse").equals(theirs.get("inuse")) && ours.get("tw").equals(theirs.get("tw"));
    }
    assertThat(ours.get("inuse"))
        .isEqualTo(theirs.get("inuse"))
        .isEqualTo(2L * 150 + 2 * 40 + busyPopulation.listenerEndpoints().size());
    String hostRange = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
    assertThat(busySources.readNode().tunables().localPortRange())
        .isPresent()
        .get()
        .isNotEqualTo(new PortRange(40000, 40999));
    assertThat(hostRange).doesNotContain("40000");
  }

  @Test
  void aDeletedNamespaceGivesAClearErrorForItAloneAndNothingEscapes() throws Exception {
    NetworkNamespace doomed;
    try (TestNetns gone = TestNetns.create("nsd")) {
      doomed = find(gone);
    }
    NetnsSources s = sources(doomed);
    assertThatThrownBy(() -> s.netlink().read(ScanRequest.all()))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining(doomed.label())
        .hasMessageContaining("is gone");
    NodeStats node = s.readNode();
    assertThat(node.sockstat()).isEmpty();
    assertThat(node.unavailable())
        .singleElement()
        .extracting(Unavailable::reason)
        .asString()
        .contains("is gone");
    // The executor goes on with the others.
    assertThat(sources(find(empty)).netlink().read(ScanRequest.all()).sockets()).isEmpty();
    assertThat(executor.retiredThreads()).isZero();
  }

  @Test
  void aNamespaceWhoseOnlyProcessExitedIsReportedGoneNotReadElsewhere() throws Exception {
    Process holder = new ProcessBuilder("unshare", "--net", "sleep", "300").start();
    NetworkNamespace ns;
    try {
      Path link = Path.of("/proc", Long.toString(holder.pid()), "ns", "net");
      long hostInode = hostInode();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long inode = hostInode;
      while (inode == hostInode && System.nanoTime() < deadline) {
        inode = inode(Files.readSymbolicLink(link).toString()); // set once unshare has run
      }
      ns = NetnsInventory.read(Path.of("/")).byInode(inode).orElseThrow();
      assertThat(ns.pids()).containsExactly((int) holder.pid());
      assertThat(ns.wayIn()).isEqualTo(link);
      assertThat(sources(ns).netlink().read(ScanRequest.all()).sockets()).isEmpty();
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    NetnsSources s = sources(ns);
    for (var source : List.of(s.netlink(), s.proc())) {
      assertThatThrownBy(() -> source.read(ScanRequest.all()))
          .as(source.name())
          .isInstanceOf(SourceUnavailableException.class)
          .hasMessageContaining("net:[" + ns.inode() + "]")
          .hasMessageContaining("is gone");
    }
  }

  @Test
  void aThreadThatCannotReturnHomeIsRetiredAndTheReadStillCounts() throws Exception {
    // The UTS namespace file opens fine but is no network namespace: the return setns fails.
    try (NetnsExecutor stuck =
        new NetnsExecutor(Path.of("/proc/thread-self/ns/uts"), Duration.ofSeconds(30))) {
      NetnsTarget target = target(find(busy));
      long first = stuck.callIn(target, () -> Thread.currentThread().threadId());
      assertThat(stuck.retiredThreads()).isEqualTo(1);
      assertThat(stuck.lastRetirement().orElseThrow())
          .contains("could not return to its own network namespace")
          .contains(busy.name());
      long second = stuck.callIn(target, () -> Thread.currentThread().threadId());
      assertThat(second).as("a fresh thread").isNotEqualTo(first);
      assertThat(stuck.retiredThreads()).isEqualTo(2);
    }
  }

  private interface Read {
    SocketTable read() throws Exception;
  }

  private static void assertMatchesSs(TestNetns ns, Read read, String what) throws Exception {
    Map<String, Integer> ours = Map.of();
    Map<String, Integer> truth = Map.of(" ", 0);
    for (int i = 0; i < ATTEMPTS && !ours.equals(truth); i++) {
      ours = keys(read.read().sockets());
      truth = SsTable.readInNetns(ns.name()).tupleKeys();
    }
    assertThat(ours).as(what + " in " + ns.name()).isEqualTo(truth);
  }

  private static Map<String, Integer> keys(Collection<SocketRecord> sockets) {
    Map<String, Integer> keys = new HashMap<>();
    for (SocketRecord r : sockets) {
      keys.merge(r.tupleKey(), 1, Integer::sum);
    }
    return keys;
  }

  /** Pid 1's namespace, or kthreadd's where a sandbox hides pid 1's link even from root. */
  private static long hostInode() throws IOException {
    try {
      return inode(Files.readSymbolicLink(Path.of("/proc/1/ns/net")).toString());
    } catch (java.nio.file.AccessDeniedException e) {
      assertThat(Files.readString(Path.of("/proc/2/comm")).strip()).isEqualTo("kthreadd");
      return inode(Files.readSymbolicLink(Path.of("/proc/2/ns/net")).toString());
    }
  }

  private static long inode(String link) {
    long inode = NetnsLinkText.inodeOf(link);
    assertThat(inode).as(link).isPositive();
    return inode;
  }

  /** The TCP line of /proc/net/sockstat: {@code TCP: inuse 3 orphan 0 tw 0 ...}. */
  private static Map<String, Long> sockstatTcp(String text) {
    Map<String, Long> out = new HashMap<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("TCP: ")) {
        String[] f = line.substring(5).trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i += 2) {
          out.put(f[i], Long.parseLong(f[i + 1]));
        }
      }
    }
    return out;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
