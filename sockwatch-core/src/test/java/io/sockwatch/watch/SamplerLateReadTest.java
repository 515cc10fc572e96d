package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Sock;
import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.process.SocketOwnersFixture;
import io.sockwatch.snapshot.SnapshotReaderFixture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sampler's second, late read of the socket table, over scripted reads: a probe that opened
 * after the scan's dump, was found in its process's descriptors by the walk and is still open at
 * the late read names its process; the late read runs only while short-lived churn has no
 * remembered opener, and asks only for the states a process can hold.
 */
class SamplerLateReadTest {

  private static final String DEST = "10.0.0.7:443";
  private static final ProcessInfo POLLER = new ProcessInfo(123, "poller", "poller");

  /** Hands out scripted tables in order and keeps the requests. */
  private static final class Script implements SocketTableSource {
    final Deque<List<SocketRecord>> tables = new ArrayDeque<>();
    final List<ScanRequest> requests = new ArrayList<>();

    @Override
    public String name() {
      return "netlink";
    }

    @Override
    public SocketTable read(ScanRequest request) {
      requests.add(request);
      return new SocketTable("netlink", tables.isEmpty() ? List.of() : tables.poll(), List.of());
    }
  }

  /** A trend detector that raises nothing and keeps the openers of DEST it was shown. */
  private static final class Openers implements TrendDetector {
    private final List<List<RecentOpeners.Opener>> seen = new ArrayList<>();

    @Override
    public String id() {
      return "capture";
    }

    @Override
    public List<Finding> detect(TrendInput in) {
      seen.add(in.openers().openers(DEST));
      return List.of();
    }

    List<RecentOpeners.Opener> last() {
      return seen.getLast();
    }
  }

  /** A wall clock that moves one second per tick. */
  private static final class Ticking extends Clock {
    long second = TrendFixture.NOW;

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(second);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static SocketRecord timeWait(int port, long cookie) {
    return Sock.of(TcpState.TIME_WAIT, "10.0.0.1:" + port, DEST).cookie(cookie).build();
  }

  @Test
  void lateReadNamesTheOpenerOfChurnTheScanCouldNotAttribute() {
    Script script = new Script();
    Deque<SocketOwners> walks = new ArrayDeque<>();
    Ticking clock = new Ticking();
    Openers seen = new Openers();
    long[] nanos = {0};
    Sampler sampler =
        new Sampler(
            SnapshotReaderFixture.of(
                script,
                () -> walks.isEmpty() ? SocketOwnersFixture.of(Map.of()) : walks.poll(),
                () -> TrendFixture.node(new PortRange(32768, 60999)),
                clock),
            SourceChoice.NETLINK,
            WatchConfig.DEFAULTS,
            List.of(),
            List.of(seen),
            clock,
            () -> nanos[0] += 1_000_000_000L,
            () -> 0);

    // tick 1: the first scan sees an old TIME_WAIT (nothing is new on a first scan)
    script.tables.add(List.of(timeWait(40000, 1)));
    sampler.tick();
    assertThat(script.requests).hasSize(1);

    // tick 2: a probe that closed between the scans (new, already TIME_WAIT, no owner); the walk
    // finds inode 500 in the poller's descriptors, a probe opened after the dump, which the late
    // read sees still open
    clock.second++;
    script.tables.add(List.of(timeWait(40000, 1), timeWait(40001, 2)));
    walks.add(SocketOwnersFixture.single(Map.of(500L, POLLER)));
    script.tables.add(
        List.of(Sock.established("10.0.0.1:40002", DEST).cookie(3).inode(500).build()));
    sampler.tick();

    assertThat(script.requests).hasSize(3);
    assertThat(script.requests.get(2).states())
        .isEqualTo(
            EnumSet.of(
                TcpState.SYN_SENT,
                TcpState.ESTABLISHED,
                TcpState.FIN_WAIT1,
                TcpState.FIN_WAIT2,
                TcpState.CLOSE_WAIT));
    assertThat(script.requests.get(2).details()).isFalse();
    assertThat(seen.last())
        .extracting(RecentOpeners.Opener::process)
        .containsExactly("poller(123)");

    // tick 3: more churn, but its opener is remembered: no late read
    clock.second++;
    script.tables.add(List.of(timeWait(40000, 1), timeWait(40001, 2), timeWait(40003, 4)));
    sampler.tick();
    assertThat(script.requests).hasSize(4);
    assertThat(seen.last())
        .extracting(RecentOpeners.Opener::process)
        .containsExactly("poller(123)");
  }

  @Test
  void oldConnectionsInTheLateReadAreNotOpenings() {
    Script script = new Script();
    Ticking clock = new Ticking();
    SocketRecord pooled = Sock.established("10.0.0.1:40009", DEST).cookie(9).inode(900).build();
    SocketOwners owners = SocketOwnersFixture.single(Map.of(900L, POLLER));
    Openers seen = new Openers();
    Sampler sampler =
        new Sampler(
            SnapshotReaderFixture.of(
                script, () -> owners, () -> TrendFixture.node(new PortRange(1024, 65535)), clock),
            SourceChoice.NETLINK,
            WatchConfig.DEFAULTS,
            List.of(),
            List.of(seen),
            clock,
            System::nanoTime,
            () -> 0);
    script.tables.add(List.of(pooled));
    sampler.tick();
    clock.second++;
    // churn to DEST by someone unseen; the late read shows only the pooled connection, which the
    // first scan already listed: it was not opened since, so its owner is no opener
    script.tables.add(List.of(pooled, timeWait(40010, 10)));
    script.tables.add(List.of(pooled));
    sampler.tick();
    assertThat(script.requests).hasSize(3);
    assertThat(seen.last()).isEmpty();
  }
}
