package io.sockwatch.watch;

import static io.sockwatch.model.TcpState.CLOSE_WAIT;
import static io.sockwatch.model.TcpState.ESTABLISHED;
import static io.sockwatch.model.TcpState.TIME_WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Inputs;
import io.sockwatch.analysis.Sock;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.watch.TickStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickCounterTest {

  private static final ProcessInfo CLIENT = new ProcessInfo(100, "poller", "poller", 40, 1024);
  private static final ProcessInfo SERVER = new ProcessInfo(200, "api", "api", 12, 65536);

  @Test
  void countsStatesProcessesDestinationsAndNewConnections() {
    List<SocketRecord> s = new ArrayList<>();
    s.add(Sock.listen("0.0.0.0:8080").inode(1).build());
    // inbound: two accepted connections of the server, one the peer closed
    s.add(Sock.established("10.0.0.1:8080", "10.0.0.9:50001").inode(2).cookie(2).build());
    s.add(Sock.of(CLOSE_WAIT, "10.0.0.1:8080", "10.0.0.9:50002").inode(3).cookie(3).build());
    // outbound: the poller's open connection and its closed ones (TIME_WAIT, no owner)
    s.add(Sock.established("10.0.0.1:40000", "10.0.0.7:443").inode(4).cookie(4).build());
    for (int i = 0; i < 5; i++) {
      s.add(Sock.of(TIME_WAIT, "10.0.0.1:" + (40001 + i), "10.0.0.7:443").cookie(10 + i).build());
    }
    // a dual-stack socket to the same IPv4 peer counts as the same destination
    s.add(
        Sock.established("[::ffff:10.0.0.1]:40100", "[::ffff:10.0.0.7]:443")
            .inode(5)
            .cookie(20)
            .build());
    s.add(Sock.of(TIME_WAIT, "10.0.0.1:40200", "10.0.0.8:53").cookie(30).build());
    var snap =
        Inputs.snapshot(s, Map.of(1L, SERVER, 2L, SERVER, 3L, SERVER, 4L, CLIENT, 5L, CLIENT));
    long[] fresh = {14, 13, 30, 4, 999};

    TickStats t = TickCounter.count(snap, fresh, 10);

    assertThat(t.sockets()).isEqualTo(11);
    assertThat(t.count(TIME_WAIT)).isEqualTo(6);
    assertThat(t.count(ESTABLISHED)).isEqualTo(3);
    assertThat(t.newConnections()).as("999 is not in the table").isEqualTo(4);
    assertThat(t.newTimeWait()).isEqualTo(3);
    assertThat(t.processCount()).isEqualTo(2);
    assertThat(t.processes())
        .containsExactly(
            new TickStats.ProcessStat("api(200)", 200, 3, 1, 0, 12, 65536),
            new TickStats.ProcessStat("poller(100)", 100, 2, 0, 1, 40, 1024));
    assertThat(t.destinationCount()).isEqualTo(2);
    assertThat(t.destinations())
        .containsExactly(
            new TickStats.DestinationStat("10.0.0.7:443", 2, 5, 3, 2, List.of("poller(100)")),
            new TickStats.DestinationStat("10.0.0.8:53", 0, 1, 1, 1, List.of()));
  }

  @Test
  void topListsAreCappedButTotalsAreNot() {
    List<SocketRecord> s = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      s.add(Sock.of(TIME_WAIT, "10.0.0.1:" + (40000 + i), "10.0.1." + i + ":80").build());
    }
    TickStats t = TickCounter.count(Inputs.snapshot(s, Map.of()), new long[0], 3);
    assertThat(t.destinations()).hasSize(3);
    assertThat(t.destinationCount()).isEqualTo(50);
    assertThat(t.count(TIME_WAIT)).isEqualTo(50);
  }
}
