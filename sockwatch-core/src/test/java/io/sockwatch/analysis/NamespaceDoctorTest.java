package io.sockwatch.analysis;

import static io.sockwatch.analysis.LeakInputs.evidence;
import static io.sockwatch.analysis.LeakInputs.sock;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import io.sockwatch.process.cgroup.CgroupPaths;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceDoctorTest {

  private static final long HOST_INODE = 4026531840L;
  private static final long POD_INODE = 4026532100L;
  private static final long BLUE_INODE = 4026532200L;

  private static final String POD_UID = "8e0c140c-e93f-4620-9811-bb56d182ccfb";
  private static final String CONTAINER_ID =
      "26b43d5fcb278e5ff6a713ee792298175c1f3e1347bae1cd5dda45ac1a5855ea";

  /** A kubelet (systemd driver, containerd) cgroup path, as /proc/PID/cgroup shows it on v2. */
  private static final String POD_CGROUP =
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
          + POD_UID.replace('-', '_')
          + ".slice/cri-containerd-"
          + CONTAINER_ID
          + ".scope";

  private static final String POD_LABEL = "pod " + POD_UID + " container 26b43d5fcb27";

  private static final NetworkNamespace HOST = namespace(HOST_INODE, true, List.of());
  private static final NetworkNamespace POD = namespace(POD_INODE, false, List.of());
  private static final NetworkNamespace BLUE = namespace(BLUE_INODE, false, List.of("blue"));

  private static final ProcessInfo HOST_SERVER =
      new ProcessInfo(100, "server", "server", 50, 1024, CgroupPaths.classify("/init.scope"));
  private static final ProcessInfo POD_SERVER =
      new ProcessInfo(200, "server", "server", 50, 1024, CgroupPaths.classify(POD_CGROUP));

  /** tcp_mem as the host shows it; sockstat mem above pressure, below 90% of max: a warning. */
  private static final NodeStats HOST_NODE =
      LeakInputs.node().tcp("mem", 500_000).tcpMem(287_901, 383_869, 575_802).build();

  /**
   * A container's view: the same node-wide sockstat, and here also a tcp_mem over its threshold, so
   * that a node-wide detector run per namespace would show up as a second finding.
   */
  private static final NodeStats POD_NODE =
      LeakInputs.node().tcp("mem", 500_000).tcpMem(100, 200, 300).build();

  private static NetworkNamespace namespace(long inode, boolean host, List<String> names) {
    return new NetworkNamespace(
        inode,
        host,
        host,
        names,
        List.of(1),
        1,
        Path.of("/proc/1/ns/net"),
        Optional.of(Path.of("/proc/1/net")));
  }

  /** An aged CLOSE_WAIT socket of a server on 127.0.0.1:8080 (older than close-wait.min-age). */
  private static SocketRecord closeWait(long inode) {
    return sock(TcpState.CLOSE_WAIT, "127.0.0.1", 8080, "127.0.0.1", 40_000 + (int) (inode % 1000))
        .cookie(inode)
        .inode(inode)
        .recvQ(1)
        .agedMillis(120_000)
        .build();
  }

  private static SocketRecord listener(long inode) {
    return sock(TcpState.LISTEN, "127.0.0.1", 8080, "0.0.0.0", 0).inode(inode).build();
  }

  /** A node scan built as NodeScanner builds one: one attribution shared by every namespace. */
  private static final class Scan {
    private final List<NetworkNamespace> namespaces = new ArrayList<>();
    private final List<List<SocketRecord>> tables = new ArrayList<>();
    private final List<NodeStats> nodes = new ArrayList<>();
    private final Map<Long, List<ProcessInfo>> owners = new HashMap<>();

    Scan namespace(NetworkNamespace ns, NodeStats node) {
      namespaces.add(ns);
      tables.add(new ArrayList<>());
      nodes.add(node);
      return this;
    }

    /** Adds a socket to the last namespace, held by {@code holders}. */
    Scan add(SocketRecord s, ProcessInfo... holders) {
      tables.getLast().add(s);
      if (holders.length > 0) {
        owners.put(s.inode(), List.of(holders));
      }
      return this;
    }

    NodeScan build() {
      SocketOwners attribution = SocketOwnersFixture.of(owners);
      List<NamespaceSnapshot> read = new ArrayList<>();
      List<SocketRecord> all = new ArrayList<>();
      NodeStats hostNode = null;
      for (int i = 0; i < namespaces.size(); i++) {
        read.add(
            new NamespaceSnapshot(
                namespaces.get(i), snapshot(tables.get(i), attribution, nodes.get(i))));
        all.addAll(tables.get(i));
        if (namespaces.get(i).host()) {
          hostNode = nodes.get(i);
        }
      }
      // NodeScanner gives the merged view the host's counters (only it shows tcp_mem).
      return new NodeScan(read, snapshot(all, attribution, hostNode), true, 0);
    }
  }

  private static Snapshot snapshot(List<SocketRecord> sockets, SocketOwners owners, NodeStats n) {
    return new Snapshot(
        Instant.EPOCH, "netlink", sockets, owners, true, Optional.ofNullable(n), List.of());
  }

  private static DoctorReport examine(List<Detector> detectors, NodeScan scan) {
    return new NamespaceDoctor(detectors)
        .examine(Optional.of(scan), scan, 2, DoctorConfig.DEFAULTS);
  }

  private static List<Finding> of(DoctorReport r, String detector) {
    return r.findings().stream().filter(f -> f.detector().equals(detector)).toList();
  }

  @Test
  void theSameLeakInTwoNamespacesIsTwoFindingsPlacedInEach() {
    NodeScan scan =
        new Scan()
            .namespace(HOST, HOST_NODE)
            .add(listener(1), HOST_SERVER)
            .add(closeWait(11), HOST_SERVER)
            .add(closeWait(12), HOST_SERVER)
            .namespace(POD, POD_NODE)
            .add(listener(2), POD_SERVER)
            .add(closeWait(21), POD_SERVER)
            .build();

    List<Finding> closeWait = of(examine(List.of(new CloseWaitDetector()), scan), "close-wait");

    assertThat(closeWait)
        .extracting(Finding::id)
        .containsExactlyInAnyOrder(
            "close-wait/server(100)", "close-wait/server(200)@netns:" + POD_INODE);
    Finding host = byId(closeWait, "close-wait/server(100)");
    assertThat(host.subject().placement()).isEqualTo(new Placement(HOST_INODE, "host", List.of()));
    assertThat(host.subject().local()).isEqualTo("127.0.0.1:8080");
    assertThat(evidence(host, "close_wait_sockets")).as("only the host's").isEqualTo(2);

    Finding pod = byId(closeWait, "close-wait/server(200)@netns:" + POD_INODE);
    assertThat(pod.subject().placement())
        .isEqualTo(new Placement(POD_INODE, "net:[" + POD_INODE + "]", List.of(POD_LABEL)));
    assertThat(pod.subject().local()).isEqualTo("127.0.0.1:8080");
    assertThat(evidence(pod, "close_wait_sockets")).as("only the pod's").isEqualTo(1);
    assertThat(pod.subject().describe())
        .isEqualTo(
            "server(200) on 127.0.0.1:8080 -> 127.0.0.1 [netns net:["
                + POD_INODE
                + "], "
                + POD_LABEL
                + "]");
  }

  @Test
  void findingsWithTheSameKeyInTwoContainerNamespacesKeepDistinctIds() {
    // Sockets nobody was found holding: the detector keys both groups "unknown".
    NodeScan scan =
        new Scan()
            .namespace(HOST, HOST_NODE)
            .namespace(POD, POD_NODE)
            .add(listener(2), POD_SERVER)
            .add(closeWait(21))
            .namespace(BLUE, POD_NODE)
            .add(closeWait(31))
            .build();

    List<Finding> closeWait = of(examine(List.of(new CloseWaitDetector()), scan), "close-wait");

    assertThat(closeWait)
        .extracting(Finding::id)
        .containsExactlyInAnyOrder(
            "close-wait/unknown@netns:" + POD_INODE, "close-wait/unknown@netns:" + BLUE_INODE);
    // A finding naming no process is placed with the containers holding sockets in its namespace.
    assertThat(byId(closeWait, "close-wait/unknown@netns:" + POD_INODE).subject().placement())
        .isEqualTo(new Placement(POD_INODE, "net:[" + POD_INODE + "]", List.of(POD_LABEL)));
    assertThat(byId(closeWait, "close-wait/unknown@netns:" + BLUE_INODE).subject().placement())
        .isEqualTo(new Placement(BLUE_INODE, "blue", List.of()));
  }

  @Test
  void aNodeWideDetectorRunsOnceWithTheHostsCounters() {
    SkMemInfo held = new SkMemInfo(1 << 20, 0, 0, 0, 0, 0, 0, 0, 0);
    NodeScan scan =
        new Scan()
            .namespace(HOST, HOST_NODE)
            .add(listener(1), HOST_SERVER)
            .namespace(POD, POD_NODE)
            .add(
                sock(TcpState.CLOSE_WAIT, "127.0.0.1", 8080, "127.0.0.1", 40_001)
                    .inode(21)
                    .skMem(held)
                    .build(),
                POD_SERVER)
            .namespace(BLUE, POD_NODE)
            .build();

    DoctorReport report = examine(List.of(new TcpMemoryDetector()), scan);

    List<Finding> memory = of(report, "tcp-memory");
    assertThat(memory).hasSize(1);
    Finding f = memory.getFirst();
    assertThat(f.id()).as("no namespace suffix").isEqualTo("tcp-memory");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(evidence(f, "tcp_memory_pages")).isEqualTo(500_000);
    assertThat(evidence(f, "tcp_mem_max_pages")).as("the host's tcp_mem").isEqualTo(575_802);
    assertThat(evidence(f, "socket_memory_bytes"))
        .as("sockets of every namespace")
        .isEqualTo(1 << 20);
    assertThat(f.subject().placement())
        .as("node-wide, keyed as such, placed where its consumer's sockets are")
        .isEqualTo(new Placement(POD_INODE, "net:[" + POD_INODE + "]", List.of(POD_LABEL)));
    assertThat(report.detectorCount()).isEqualTo(1);
  }

  @Test
  void aSingleNamespaceScanIsJudgedExactlyAsTheDoctorDoes() {
    Snapshot before =
        LeakInputs.snapshot()
            .add(listener(1), HOST_SERVER)
            .add(closeWait(11), HOST_SERVER)
            .node(HOST_NODE)
            .build();
    Snapshot after =
        LeakInputs.snapshot()
            .add(listener(1), HOST_SERVER)
            .add(closeWait(11), HOST_SERVER)
            .add(closeWait(12), POD_SERVER)
            .node(HOST_NODE)
            .build();
    List<Detector> detectors = Detectors.all();

    DoctorReport doctor =
        new DetectorRun(detectors)
            .examine(new DoctorInput(Optional.of(before), after, 2, DoctorConfig.DEFAULTS));
    DoctorReport namespaced =
        new NamespaceDoctor(detectors)
            .examine(
                Optional.of(NodeScan.single(before)),
                NodeScan.single(after),
                2,
                DoctorConfig.DEFAULTS);

    assertThat(doctor.findings())
        .extracting(Finding::detector)
        .contains("close-wait", "tcp-memory");
    assertThat(namespaced).isEqualTo(doctor);
    assertThat(namespaced.findings())
        .allSatisfy(f -> assertThat(f.subject().placement()).isEqualTo(Placement.NONE));

    DoctorReport once =
        new NamespaceDoctor(detectors)
            .examine(Optional.empty(), NodeScan.single(after), 2, DoctorConfig.DEFAULTS);
    assertThat(once)
        .as("one sample: no interval")
        .isEqualTo(
            new DetectorRun(detectors)
                .examine(new DoctorInput(Optional.empty(), after, 0, DoctorConfig.DEFAULTS)));
  }

  @Test
  void aPodProcessNamesItsPodAndContainer() {
    assertThat(POD_SERVER.containerLabel()).contains(POD_LABEL);
    assertThat(HOST_SERVER.containerLabel()).as("a host service has none").isEmpty();

    NodeScan scan =
        new Scan()
            .namespace(HOST, HOST_NODE)
            .namespace(POD, POD_NODE)
            .add(listener(2), POD_SERVER)
            .add(closeWait(21), POD_SERVER)
            .build();

    Finding f = of(examine(Detectors.all(), scan), "close-wait").getFirst();

    assertThat(f.subject().processes()).containsExactly("server(200)");
    assertThat(f.subject().placement().containers()).containsExactly(POD_LABEL);
  }

  private static Finding byId(List<Finding> findings, String id) {
    return findings.stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + id + " in " + findings));
  }
}
