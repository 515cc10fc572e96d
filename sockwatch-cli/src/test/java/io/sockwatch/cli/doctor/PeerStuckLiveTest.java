package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A zero-window stall on loopback in the test's own namespace: a peer accepts and never reads, the
 * client writes until its send buffer takes no more, and the kernel's persist timer probes the
 * closed window. The peer is alive and answers every probe, so {@code doctor} reports it as stuck
 * ({@code peer-stuck}, WARNING) and never as dead ({@code stalled}).
 */
@Tag("live")
class PeerStuckLiveTest {

  private static final int PORT = 7711;
  private static final String DESTINATION = "127.0.0.1:" + PORT;

  /** How long the doctor may take to call it stuck: the detector may wait for a lasting stall. */
  private static final Duration REPORT_WITHIN = Duration.ofSeconds(60);

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void peerThatStopsReadingIsStuckNotDead() throws Exception {
    TestNetns ns = closer.keep(TestNetns.create("stuck"));
    ChildJvm peer = closer.keep(start(ns, "hold", Integer.toString(PORT), "16384"));
    peer.awaitLine("ready", Duration.ofSeconds(30));
    long startedAt = System.nanoTime();
    ChildJvm client = closer.keep(start(ns, "fill", Integer.toString(PORT)));
    String[] full = client.awaitLine("full ", Duration.ofSeconds(30)).split(" ");
    String local = "127.0.0.1:" + full[1];
    long written = Long.parseLong(full[2]);
    long filledAt = System.nanoTime();
    // Ground truth: the client's socket is on the persist timer with data queued.
    NetnsProbe.await(
        "the client's socket probes a zero window",
        20,
        () -> row(ns, local).info().contains("persist"));

    JsonNode stuck = null;
    DoctorProcess d = null;
    int runs = 0;
    while (stuck == null && System.nanoTime() - filledAt < REPORT_WITHIN.toNanos()) {
      d = DoctorProcess.run(ns, "doctor", "--once", "-o", "json");
      runs++;
      assertThat(d.findings("stalled")).as("a peer that answers is not dead: " + d.out()).isEmpty();
      List<JsonNode> f = d.findings("peer-stuck");
      assertThat(f).as(d.out()).hasSizeLessThanOrEqualTo(1);
      if (!f.isEmpty()) {
        stuck = f.getFirst();
      } else {
        Thread.sleep(1000);
      }
    }
    NetnsProbe.Row r = row(ns, local);
    assertThat(stuck)
        .as(
            "a peer-stuck finding within %s (%d runs); last: %s%s; ss: %s",
            REPORT_WITHIN, runs, d == null ? "" : d.out(), d == null ? "" : d.err(), r.info())
        .isNotNull();
    System.out.printf(
        "peer-stuck: after %.1f s, run %d; %d bytes written%n  finding: %s%n  ss client: %s%n",
        (System.nanoTime() - filledAt) / 1e9, runs, written, stuck, r.info());

    assertThat(stuck.get("severity").asString()).isEqualTo("WARNING");
    assertThat(stuck.get("subject").get("processes").get(0).asString())
        .isEqualTo("java(" + client.pid() + ")");
    assertThat(stuck.get("subject").get("destination").asString()).isEqualTo(DESTINATION);
    assertThat(DoctorJson.evidence(stuck, "stuck_connections")).isEqualTo(1);
    // The writer stopped at a full buffer and the peer reads nothing: the queue stands still, so
    // the doctor's figure is the one ss shows, and it is part of what was written.
    double queued = DoctorJson.evidence(stuck, "send_queue_bytes");
    assertThat(queued).isEqualTo(r.sendQ()).isGreaterThan(0).isLessThanOrEqualTo(written);
    assertThat(DoctorJson.evidence(stuck, "zero_window_probes")).isGreaterThanOrEqualTo(0);
    // The peer never sent data: the time since is at most the connection's age.
    assertThat(DoctorJson.evidence(stuck, "since_last_data_received_seconds"))
        .isBetween(0.0, (System.nanoTime() - startedAt) / 1e9 + 0.1);
    // Nothing is outstanding: the peer acknowledged every byte it took.
    assertThat(r.value("unacked")).as(r.info()).isLessThanOrEqualTo(0);
  }

  private static ChildJvm start(TestNetns ns, String... args) throws IOException {
    return ChildJvm.launcher()
        .netns(ns)
        .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
        .start(StallPeerMain.class, args);
  }

  private static NetnsProbe.Row row(TestNetns ns, String local) throws IOException {
    for (NetnsProbe.Row r : NetnsProbe.ss(ns)) {
      if (r.state().equals("ESTAB") && r.local().equals(local)) {
        return r;
      }
    }
    throw new AssertionError("no ESTAB socket from " + local);
  }
}
