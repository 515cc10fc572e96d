package io.sockwatch.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.analysis.Detectors;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.model.watch.TrackedFinding;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.probe.TimeoutStateWatcher;
import io.sockwatch.snapshot.SnapshotReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} judges idle connections against what {@code probe-idle} stored and notices when the
 * state file changes: a real idle loopback connection to a measured address is flagged once the
 * file names that address with a 2 s timeout, and no longer once the entry is gone (the assumed
 * 3600 s applies again). Its accepted end, whose peer is another address, is never judged against
 * the measurement. A garbled line shows up as unavailable, not as an exception. Findings resolve as
 * soon as they are gone (resolve-after 0), so each tick shows its own judgement.
 */
@Tag("live")
class SamplerMeasuredTimeoutLiveTest {

  @TempDir Path dir;

  @Test
  void measuredTimeoutsAreReadEachTickAndApplyToTheirPeerOnly() throws Exception {
    Path file = dir.resolve("middlebox-timeouts");
    WatchConfig c = WatchConfig.DEFAULTS;
    Sampler sampler =
        new Sampler(
                SnapshotReader.forRoot(Path.of("/")),
                SourceChoice.NETLINK,
                new WatchConfig(1, 1, 1000, 300, 1, 0, c.history(), c.doctor()),
                Detectors.all(),
                List.of(),
                Clock.systemUTC(),
                System::nanoTime,
                () -> 0)
            .withMeasuredTimeouts(new TimeoutStateWatcher(file));
    // An address of its own, so no other test's idle connection matches the measurement.
    String measured = "127." + (1 + (int) (ProcessHandle.current().pid() % 200)) + ".77.9";
    InetAddress addr = InetAddress.getByName(measured);
    try (ServerSocket server = new ServerSocket(0, 8, addr);
        Socket client = new Socket()) {
      client.connect(new InetSocketAddress(addr, server.getLocalPort()), 2000);
      try (Socket accepted = server.accept()) {
        client.getOutputStream().write(1);
        accepted.getInputStream().read();
        // Java's sockets are dual-stack: the table shows the peer as ::ffff:127.x.77.9.
        String key = "->[::ffff:" + measured + "]:" + server.getLocalPort();

        Files.writeString(file, measured + " " + server.getLocalPort() + " 2 3 1\nnot a line\n");
        // Idle for at least half the measured 2 s (the detector's minimum), bounded.
        Optional<Finding> flagged = Optional.empty();
        WatchState s = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (flagged.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(500);
          s = sampler.tick();
          flagged = idleFinding(s, key);
        }
        WatchState last = s;
        assertThat(flagged)
            .as(
                () ->
                    "flagged against the measured 2 s; open: "
                        + last.open().stream().map(t -> t.finding().key()).toList()
                        + " unavailable: "
                        + last.status().unavailable())
            .isPresent();
        assertThat(flagged.get().title()).contains("(measured)");
        assertThat(s.open())
            .noneMatch(
                t ->
                    t.finding().detector().equals("idle-connections")
                        && t.finding().key().contains("@")
                        && t.finding().key().contains(measured));
        assertThat(s.status().unavailable().toString()).contains("line 2 skipped");

        Files.writeString(file, "# nothing measured\n");
        WatchState after = sampler.tick();
        assertThat(idleFinding(after, key)).as("the assumed 3600 s applies again").isEmpty();
      }
    }
  }

  /** The idle-connections finding of this tick's scan for the test's connection. */
  private static Optional<Finding> idleFinding(WatchState s, String keySuffix) {
    return s.open().stream()
        .map(TrackedFinding::finding)
        .filter(f -> f.detector().equals("idle-connections") && f.key().endsWith(keySuffix))
        .findFirst();
  }
}
