package io.sockwatch.model.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import io.sockwatch.process.cgroup.CgroupPaths;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceTalliesTest {

  private static final long BASE_INODE = 4026532000L;
  private static final String DOCKER_ID =
      "b0db724e7cb1a01d618f34710aa3b1ff27003568af41628948ea9f666a9b85b5";

  private long nextInode = 1;

  private SocketRecord socket(TcpState state) {
    long inode = nextInode++;
    return new SocketRecord(
        AddressFamily.INET,
        state,
        IpAddress.parse("127.0.0.1"),
        (int) (10_000 + inode),
        IpAddress.parse("127.0.0.1"),
        8080,
        0,
        inode,
        SocketTimer.OFF,
        0,
        0,
        0,
        0,
        0,
        inode,
        TcpInfo.NONE,
        SkMemInfo.NONE,
        "");
  }

  private static NetworkNamespace namespace(long inode, boolean host) {
    return new NetworkNamespace(
        inode, host, false, List.of(), List.of(1), 1, Path.of("/proc/1/ns/net"), Optional.empty());
  }

  private static Snapshot snapshot(List<SocketRecord> sockets, SocketOwners owners) {
    return new Snapshot(
        Instant.EPOCH, "netlink", sockets, owners, true, Optional.empty(), List.of());
  }

  /** Namespace k (1..n) holds k ESTABLISHED, one LISTEN and, for even k, two TIME_WAIT sockets. */
  private List<List<SocketRecord>> tables(int n) {
    List<List<SocketRecord>> out = new ArrayList<>();
    for (int k = 1; k <= n; k++) {
      List<SocketRecord> t = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        t.add(socket(TcpState.ESTABLISHED));
      }
      t.add(socket(TcpState.LISTEN));
      if (k % 2 == 0) {
        t.add(socket(TcpState.TIME_WAIT));
        t.add(socket(TcpState.TIME_WAIT));
      }
      out.add(t);
    }
    return out;
  }

  private static int sockets(int k) {
    return k + 1 + (k % 2 == 0 ? 2 : 0);
  }

  @Test
  void aSingleNamespaceScanHasNoTallies() {
    NodeScan single =
        NodeScan.single(snapshot(List.of(socket(TcpState.LISTEN)), SocketOwners.EMPTY));

    assertThat(NamespaceTallies.of(single)).isEqualTo(NamespaceTallies.NONE);
  }

  @Test
  void namespacesBeyondTheCapAreSummedIntoOneOtherRow() {
    List<List<SocketRecord>> tables = tables(25);
    // The pod in namespace 25 (the fullest) is known by its container.
    ProcessInfo pod =
        new ProcessInfo(500, "app", "app", 10, 1024, CgroupPaths.classify("/docker/" + DOCKER_ID));
    SocketOwners owners =
        SocketOwnersFixture.single(Map.of(tables.get(24).getFirst().inode(), pod));
    List<NamespaceSnapshot> read = new ArrayList<>();
    List<SocketRecord> all = new ArrayList<>();
    for (int k = 1; k <= 25; k++) {
      // in order of inode, roughly fewest sockets first: the tally must sort them
      read.add(
          new NamespaceSnapshot(
              namespace(BASE_INODE + k, k == 1), snapshot(tables.get(k - 1), owners)));
      all.addAll(tables.get(k - 1));
    }
    NodeScan scan = new NodeScan(read, snapshot(all, owners), true, 3);

    NamespaceTallies tallies = NamespaceTallies.of(scan);

    assertThat(tallies.read()).isEqualTo(25);
    assertThat(tallies.failed()).isEqualTo(3);
    assertThat(tallies.top()).hasSize(NamespaceTallies.MAX_NAMED + 1);
    List<NamespaceTallies.Tally> named = tallies.top().subList(0, NamespaceTallies.MAX_NAMED);
    assertThat(named)
        .extracting(NamespaceTallies.Tally::sockets)
        .isSortedAccordingTo((a, b) -> b - a);
    assertThat(named.getFirst().inode()).isEqualTo(BASE_INODE + 24); // 24 + 1 + 2 = 27 sockets
    assertThat(named.getFirst().sockets()).isEqualTo(27);
    assertThat(named.getFirst().byState())
        .isEqualTo(Map.of(TcpState.ESTABLISHED, 24, TcpState.LISTEN, 1, TcpState.TIME_WAIT, 2));
    NamespaceTallies.Tally podRow =
        named.stream().filter(t -> t.inode() == BASE_INODE + 25).findFirst().orElseThrow();
    assertThat(podRow.netns()).isEqualTo("net:[" + (BASE_INODE + 25) + "]");
    assertThat(podRow.container()).isEqualTo("docker b0db724e7cb1");
    assertThat(podRow.sockets()).isEqualTo(26);

    // The five smallest: k = 1 (2 sockets), 3 (4), 2 (5), 5 (6), 4 (7); the host (k = 1) among
    // them.
    NamespaceTallies.Tally other = tallies.top().getLast();
    assertThat(other.netns()).isEqualTo("other");
    assertThat(other.inode()).isZero();
    assertThat(other.container()).isEmpty();
    assertThat(other.sockets())
        .isEqualTo(sockets(1) + sockets(2) + sockets(3) + sockets(4) + sockets(5));
    assertThat(other.byState())
        .isEqualTo(Map.of(TcpState.ESTABLISHED, 15, TcpState.LISTEN, 5, TcpState.TIME_WAIT, 4));
    assertThat(named)
        .extracting(NamespaceTallies.Tally::inode)
        .doesNotContain(
            BASE_INODE + 1, BASE_INODE + 2, BASE_INODE + 3, BASE_INODE + 4, BASE_INODE + 5);
    assertThat(tallies.top().stream().mapToInt(NamespaceTallies.Tally::sockets).sum())
        .as("every socket counted once")
        .isEqualTo(all.size());
  }

  @Test
  void upToTheCapEveryNamespaceIsNamedAndTiesGoToTheLowerInode() {
    List<NamespaceSnapshot> read =
        List.of(
            new NamespaceSnapshot(
                namespace(BASE_INODE + 9, false),
                snapshot(List.of(socket(TcpState.ESTABLISHED)), SocketOwners.EMPTY)),
            new NamespaceSnapshot(
                namespace(BASE_INODE + 1, true),
                snapshot(List.of(socket(TcpState.CLOSE_WAIT)), SocketOwners.EMPTY)),
            new NamespaceSnapshot(
                namespace(BASE_INODE + 5, false), snapshot(List.of(), SocketOwners.EMPTY)));

    NamespaceTallies tallies =
        NamespaceTallies.of(new NodeScan(read, snapshot(List.of(), SocketOwners.EMPTY), true, 0));

    assertThat(tallies.top())
        .extracting(NamespaceTallies.Tally::netns)
        .containsExactly(
            "host", "net:[" + (BASE_INODE + 9) + "]", "net:[" + (BASE_INODE + 5) + "]");
    assertThat(tallies.top().getLast().byState()).isEmpty();
    assertThat(tallies.read()).isEqualTo(3);
  }
}
