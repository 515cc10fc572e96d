package io.sockwatch.watch;

import static io.sockwatch.watch.TrendFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Inputs;
import io.sockwatch.analysis.Sock;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.watch.TickStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentOpenersTest {

  private static final ProcessInfo POLLER = new ProcessInfo(123, "poller", "poller");
  private static final ProcessInfo POOL = new ProcessInfo(77, "pool", "pool");
  private static final ProcessInfo SERVER = new ProcessInfo(9, "nginx", "nginx");
  private static final String DEST = "10.0.0.7:443";

  private final RecentOpeners openers = new RecentOpeners();

  private static List<String> names(List<RecentOpeners.Opener> openers) {
    return openers.stream().map(RecentOpeners.Opener::process).toList();
  }

  /** One open connection from {@code local} to {@code remote}, inode {@code cookie}. */
  private static Snapshot one(
      TcpState state, String local, String remote, long cookie, ProcessInfo owner) {
    return Inputs.snapshot(
        List.of(Sock.of(state, local, remote).cookie(cookie).inode(cookie).build()),
        Map.of(cookie, owner));
  }

  @Test
  void ownerOfANewOutboundConnectionIsRememberedAfterItCloses() {
    Snapshot caught =
        Inputs.snapshot(
            List.of(
                Sock.established("10.0.0.1:40000", DEST).cookie(11).inode(1).build(),
                // an old connection of another process to the same destination: a holder
                Sock.established("10.0.0.1:40001", DEST).cookie(5).inode(2).build(),
                // a new connection that closed before the scan: no owner to name
                Sock.of(TcpState.TIME_WAIT, "10.0.0.1:40002", DEST).cookie(12).build()),
            Map.of(1L, POLLER, 2L, POOL));
    openers.update(caught, new long[] {12, 11}, NOW);

    assertThat(openers.openers(DEST))
        .containsExactly(new RecentOpeners.Opener("poller(123)", NOW, 1));

    // the next scans see only its TIME_WAIT: the opener stays named
    Snapshot closed =
        Inputs.snapshot(
            List.of(Sock.of(TcpState.TIME_WAIT, "10.0.0.1:40000", DEST).cookie(11).build()),
            Map.of());
    openers.update(closed, new long[0], NOW + 1);
    openers.update(closed, new long[] {13}, NOW + RecentOpeners.MEMORY_SECONDS);
    assertThat(names(openers.openers(DEST))).containsExactly("poller(123)");

    openers.update(closed, new long[0], NOW + RecentOpeners.MEMORY_SECONDS + 1);
    assertThat(openers.openers(DEST)).as("forgotten after the memory").isEmpty();
    assertThat(openers.destinations()).isZero();
  }

  @Test
  void acceptedConnectionsAreNotOpenings() {
    Snapshot s =
        Inputs.snapshot(
            List.of(
                Sock.listen("0.0.0.0:8080").inode(1).build(),
                Sock.established("10.0.0.1:8080", "10.0.0.9:50000").cookie(21).inode(2).build()),
            Map.of(1L, SERVER, 2L, SERVER));
    openers.update(s, new long[] {21}, NOW);
    assertThat(openers.destinations()).isZero();
  }

  @Test
  void mappedPeersAreNamedByTheirIpv4Address() {
    openers.update(
        one(TcpState.SYN_SENT, "[::ffff:10.0.0.1]:40000", "[::ffff:10.0.0.7]:443", 31, POLLER),
        new long[] {31},
        NOW);
    assertThat(names(openers.openers(DEST))).containsExactly("poller(123)");
  }

  @Test
  void mostConnectionsFirstAndAtMostFourProcessesPerDestination() {
    long cookie = 100;
    for (int pid = 1; pid <= RecentOpeners.OPENERS_PER_DESTINATION + 1; pid++) {
      ProcessInfo p = new ProcessInfo(pid, "p", "p");
      for (int i = 0; i < pid; i++) {
        cookie++;
        openers.update(
            one(TcpState.ESTABLISHED, "10.0.0.1:" + (30000 + cookie), DEST, cookie, p),
            new long[] {cookie},
            NOW + pid);
      }
    }
    // p(1), seen least recently, made room for p(5)
    assertThat(names(openers.openers(DEST))).containsExactly("p(5)", "p(4)", "p(3)", "p(2)");
    assertThat(openers.openers(DEST).getFirst().connections()).isEqualTo(5);
  }

  @Test
  void atMostMaxDestinationsTheLeastRecentlyUpdatedGoes() {
    for (int i = 0; i <= RecentOpeners.MAX_DESTINATIONS; i++) {
      String dest = "10.1." + (i / 256) + "." + (i % 256) + ":80";
      openers.update(
          one(TcpState.ESTABLISHED, "10.0.0.1:40000", dest, 1000 + i, POLLER),
          new long[] {1000 + i},
          NOW);
    }
    assertThat(openers.destinations()).isEqualTo(RecentOpeners.MAX_DESTINATIONS);
    assertThat(openers.openers("10.1.0.0:80")).isEmpty();
    assertThat(openers.openers("10.1.0.1:80")).hasSize(1);
  }

  @Test
  void aLateReadCatchesConnectionsOpenedAfterTheDumpWithOwnersFromTheWalk() {
    // the walk found inode 50 in the poller's descriptors, but the dump before it had no such
    // socket: the connection opened in between
    Snapshot scan = Inputs.snapshot(List.of(), Map.of(50L, POLLER));
    List<SocketRecord> late =
        List.of(Sock.established("10.0.0.1:40000", DEST).cookie(99).inode(50).build());

    openers.updateLate(late, scan, c -> false, NOW);
    assertThat(openers.openers(DEST)).as("not young: an old connection").isEmpty();

    openers.updateLate(late, scan, c -> c == 99, NOW);
    assertThat(names(openers.openers(DEST))).containsExactly("poller(123)");
  }

  @Test
  void missesOpenersOnlyForShortLivedChurnWithNobodyRemembered() {
    TickStats churn =
        TrendFixture.stats(
            List.of(), List.of(new TickStats.DestinationStat(DEST, 0, 40, 20, 20, List.of())));
    TickStats longLived =
        TrendFixture.stats(
            List.of(), List.of(new TickStats.DestinationStat(DEST, 20, 0, 20, 0, List.of())));
    assertThat(openers.missesOpeners(churn)).isTrue();
    assertThat(openers.missesOpeners(longLived)).as("its owners are caught in the scan").isFalse();

    openers.update(
        one(TcpState.ESTABLISHED, "10.0.0.1:40000", DEST, 7, POLLER), new long[] {7}, NOW);
    assertThat(openers.missesOpeners(churn)).isFalse();
  }
}
