package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.snapshot.SnapshotReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sampler over the live kernel hands trend detectors what it remembers across scans: this JVM,
 * caught holding new connections to its own listener in one scan, is still named as their opener
 * when a later scan sees only their TIME_WAIT (which has no owner). Only the test's own destination
 * is asserted; other processes on the host come and go.
 */
@Tag("live")
class SamplerTrendLiveTest {

  private static final int HELD = 3;

  /** A trend detector that raises nothing and keeps what the sampler showed it. */
  private static final class Capture implements TrendDetector {
    final String destination;
    final List<List<RecentOpeners.Opener>> openers = new ArrayList<>();
    final List<TickStats.DestinationStat> stats = new ArrayList<>();

    Capture(String destination) {
      this.destination = destination;
    }

    @Override
    public String id() {
      return "capture";
    }

    @Override
    public List<Finding> detect(TrendInput in) {
      openers.add(in.openers().openers(destination));
      stats.add(
          in.stats().orElseThrow().destinations().stream()
              .filter(d -> d.destination().equals(destination))
              .findFirst()
              .orElse(null));
      return List.of();
    }
  }

  @Test
  void processCaughtOpeningConnectionsStaysNamedAfterTheyClose() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    String me =
        Files.readString(Path.of("/proc/self/comm")).strip()
            + "("
            + ProcessHandle.current().pid()
            + ")";
    try (ServerSocket server = new ServerSocket(0, 64, lo)) {
      String destination = "127.0.0.1:" + server.getLocalPort();
      Capture capture = new Capture(destination);
      WatchConfig d = WatchConfig.DEFAULTS;
      Sampler sampler =
          new Sampler(
              SnapshotReader.forRoot(Path.of("/")),
              SourceChoice.NETLINK,
              new WatchConfig(1, 1, 1000, 300, 1, 30, d.history(), d.doctor()),
              Detectors.all(),
              List.of(capture),
              Clock.systemUTC(),
              System::nanoTime,
              () -> 0);
      long second = sampler.tick().takenAt().getEpochSecond();

      List<Socket> clients = new ArrayList<>();
      List<Socket> accepted = new ArrayList<>();
      try {
        for (int i = 0; i < HELD; i++) {
          Socket c = new Socket();
          c.connect(new InetSocketAddress(lo, server.getLocalPort()), 2000);
          clients.add(c);
          accepted.add(server.accept());
        }
        second = tickInNextSecond(sampler, second);
      } finally {
        for (Socket c : clients) {
          c.close(); // the client closes first: its side keeps the TIME_WAIT
        }
        for (Socket a : accepted) {
          a.close();
        }
      }
      assertThat(capture.openers.getLast())
          .as("caught open in the scan that first saw them")
          .extracting(RecentOpeners.Opener::process)
          .containsExactly(me);

      // Bounded: until a scan sees all of them in TIME_WAIT and none open.
      long deadline = System.nanoTime() + 10_000_000_000L;
      TickStats.DestinationStat last = null;
      while (System.nanoTime() < deadline && (last == null || last.timeWait() < HELD)) {
        second = tickInNextSecond(sampler, second);
        last = capture.stats.getLast();
      }
      assertThat(last).isNotNull();
      assertThat(last.open()).isZero();
      assertThat(last.processes()).as("TIME_WAIT has no owner").isEmpty();
      assertThat(capture.openers.getLast())
          .extracting(RecentOpeners.Opener::process)
          .containsExactly(me);
      assertThat(capture.openers.getLast().getFirst().connections()).isBetween(1L, (long) HELD);
    }
  }

  /** Ticks once the wall clock is past {@code second}: history keeps one point per second. */
  private static long tickInNextSecond(Sampler sampler, long second) throws InterruptedException {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (Clock.systemUTC().instant().getEpochSecond() <= second && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return sampler.tick().takenAt().getEpochSecond();
  }
}
