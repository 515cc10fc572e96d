package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.SeriesNames;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.snapshot.SnapshotReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sampler over the live kernel: connections this test opens and closes between two ticks show
 * up as new connections and new TIME_WAIT to the test's own listener, in the tick totals and in the
 * recorded series. Counts for the test's destination are exact; node totals only bounded below,
 * because other processes on the host open sockets too.
 */
@Tag("live")
class SamplerLiveTest {

  private static final int SHORT = 40;

  private static Sampler sampler() {
    WatchConfig c = WatchConfig.DEFAULTS;
    WatchConfig config = new WatchConfig(1, 1, 1000, 300, 1, 30, c.history(), c.doctor());
    return new Sampler(
        SnapshotReader.forRoot(Path.of("/")),
        SourceChoice.NETLINK,
        config,
        Detectors.all(),
        List.of(),
        Clock.systemUTC(),
        System::nanoTime,
        () -> 0);
  }

  @Test
  void connectionsBetweenTicksAreNewAndTheirTimeWaitIsCounted() throws Exception {
    Sampler sampler = sampler();
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 512, lo)) {
      String destination = "127.0.0.1:" + server.getLocalPort();
      List<Socket> accepted = new ArrayList<>();
      WatchState first = sampler.tick();
      assertThat(first.stats()).isPresent();
      assertThat(first.stats().get().newConnections())
          .as("nothing is new on the first scan")
          .isZero();

      for (int i = 0; i < SHORT; i++) {
        try (Socket c = new Socket()) {
          c.connect(new InetSocketAddress(lo, server.getLocalPort()), 2000);
          accepted.add(server.accept());
        }
      }
      for (Socket a : accepted) {
        a.close(); // the client closed first: its side holds the TIME_WAIT
      }
      // Wait, bounded, for the closes to finish: each client socket ends in TIME_WAIT.
      TickStats.DestinationStat d = null;
      int seenNew = 0;
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(1000); // ticks need distinct seconds: history keeps one point per second
        WatchState s = sampler.tick();
        d = destination(s.stats().orElseThrow(), destination);
        seenNew += d == null ? 0 : d.newConnections();
        if (d != null && d.timeWait() == SHORT) {
          break;
        }
      }
      assertThat(d).as("the test's destination in the top list").isNotNull();
      assertThat(d.timeWait()).isEqualTo(SHORT);
      assertThat(d.open()).isZero();
      assertThat(seenNew).as("each connection is new exactly once").isEqualTo(SHORT);
      WatchState last = sampler.state().orElseThrow();
      assertThat(last.stats().get().count(TcpState.TIME_WAIT)).isGreaterThanOrEqualTo(SHORT);
      long now = last.takenAt().getEpochSecond();
      Range tw =
          sampler.history(
              SeriesKey.of(SeriesNames.DESTINATION_TIME_WAIT, "destination", destination),
              now - 60,
              now,
              1);
      assertThat(tw.size()).isPositive();
      assertThat(tw.last()[tw.size() - 1]).isEqualTo(SHORT);
      assertThat(last.status().scans()).isEqualTo(last.status().ticks());
    }
  }

  private static TickStats.DestinationStat destination(TickStats t, String destination) {
    for (TickStats.DestinationStat d : t.destinations()) {
      if (d.destination().equals(destination)) {
        return d;
      }
    }
    return null;
  }
}
