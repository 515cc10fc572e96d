package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.MiddleboxTopology;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's recreation through a real stateful firewall (client, firewall and server namespaces;
 * conntrack forgets an established flow after {@value #TIMEOUT} s idle and, with loose tracking
 * off, drops what it no longer knows). One client process holds three connections to an echo server
 * behind the firewall: a plain one left idle until the firewall has forgotten it and then written
 * to, one with TCP keepalive every {@value #KEEPIDLE} s and one with an application heartbeat every
 * {@value #HEARTBEAT_MS} ms. Within 10 s of the plain connection's write, {@code doctor} in the
 * client namespace reports it (and only it) as stalled, CRITICAL, with the evidence {@code ss}
 * shows for that socket.
 *
 * <p>The idle period is the scenario; it ends when the firewall's conntrack table no longer holds
 * the plain flow (polled), not after a fixed sleep.
 */
@Tag("live")
class StalledLiveTest {

  private static final int TIMEOUT = 15;
  private static final int KEEPIDLE = 5;
  private static final int HEARTBEAT_MS = 5000;
  private static final int PORT = 7701;
  private static final Duration REPORT_WITHIN = Duration.ofSeconds(10);

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void connectionForgottenByTheFirewallIsStalledAndTheKeptAliveOnesAreNot() throws Exception {
    MiddleboxTopology topology = closer.keep(MiddleboxTopology.create("swst", TIMEOUT));
    String target = topology.serverAddress() + ":" + PORT;
    ChildJvm echo =
        closer.keep(
            ChildJvm.launcher()
                .netns(topology.server())
                .start(Main.class, "echo", "--listen", target));
    echo.awaitLine("sockwatch echo: listening on " + target, Duration.ofSeconds(30));

    ChildJvm client =
        closer.keep(
            ChildJvm.launcher()
                .netns(topology.client())
                .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
                .start(
                    StallPeerMain.class,
                    "trio",
                    target,
                    Integer.toString(KEEPIDLE),
                    Integer.toString(HEARTBEAT_MS)));
    String[] ports = client.awaitLine("connected ", Duration.ofSeconds(30)).split(" ");
    long idleSince = System.nanoTime();
    String plain = topology.clientAddress() + ":" + ports[1];
    String kept = topology.clientAddress() + ":" + ports[2];
    String beat = topology.clientAddress() + ":" + ports[3];
    String process = "java(" + client.pid() + ")";

    // Idle until the firewall has forgotten the plain flow; the other two stay known.
    NetnsProbe.await(
        "the firewall forgot the plain connection",
        TIMEOUT + 20,
        () -> !tracked(topology, ports[1]));
    double forgottenAfter = (System.nanoTime() - idleSince) / 1e9;
    // A second past the timeout, so the idle time the doctor reconstructs (last ACK to first
    // retransmission, to the millisecond) clears the timeout it is held against.
    NetnsProbe.await(
        "the plain connection idle " + (TIMEOUT + 1) + " s",
        TIMEOUT + 2,
        () -> System.nanoTime() - idleSince >= (TIMEOUT + 1) * 1_000_000_000L);
    assertThat(forgottenAfter)
        .as("conntrack kept the idle flow its timeout")
        .isGreaterThan(TIMEOUT - 1);
    assertThat(tracked(topology, ports[2])).as("keepalive kept its flow").isTrue();
    assertThat(tracked(topology, ports[3])).as("heartbeat kept its flow").isTrue();
    long dropsBefore = topology.invalidDrops();
    String statsBefore = stats(client);

    client.send("write");
    client.awaitLine("wrote", Duration.ofSeconds(5));
    long wroteAt = System.nanoTime();
    double idleSeconds = (wroteAt - idleSince) / 1e9;

    // Doctor, again and again, until it reports the stall; each run starts within 10 s.
    JsonNode stalled = null;
    DoctorProcess d = null;
    double startedAfter = 0;
    int runs = 0;
    while (stalled == null && System.nanoTime() - wroteAt < REPORT_WITHIN.toNanos()) {
      startedAfter = (System.nanoTime() - wroteAt) / 1e9;
      // The operator knows the firewall's timeout (or measured it with probe-idle).
      d =
          DoctorProcess.run(
              topology.client(),
              "doctor",
              "--once",
              "-o",
              "json",
              "--middlebox-idle",
              TIMEOUT + "s");
      runs++;
      List<JsonNode> f = d.findings("stalled");
      assertThat(f).as("at most one stalled finding: " + d.out()).hasSizeLessThanOrEqualTo(1);
      if (!f.isEmpty()) {
        stalled = f.getFirst();
      }
    }
    NetnsProbe.Row plainRow = row(topology, plain);
    assertThat(stalled)
        .as(
            "a stalled finding in %d doctor runs within %s of the write; last: %s%s; ss: %s",
            runs, REPORT_WITHIN, d == null ? "" : d.out(), d == null ? "" : d.err(), plainRow)
        .isNotNull();
    System.out.printf(
        "stalled: reported by doctor run %d started %.2f s after the write (idle %.1f s,"
            + " forgotten after %.1f s)%n  finding: %s%n  ss plain: %s%n",
        runs, startedAfter, idleSeconds, forgottenAfter, stalled, plainRow.info());

    assertThat(stalled.get("severity").asString()).isEqualTo("CRITICAL");
    assertThat(stalled.get("subject").get("processes").get(0).asString()).isEqualTo(process);
    assertThat(stalled.get("subject").get("destination").asString()).isEqualTo(target);
    // Only the plain connection: the kept-alive and heartbeat ones share process and destination.
    assertThat(DoctorJson.evidence(stalled, "stalled_connections")).isEqualTo(1);
    double backoff = DoctorJson.evidence(stalled, "backoff");
    double unacked = DoctorJson.evidence(stalled, "unacked_segments");
    double sendQueue = DoctorJson.evidence(stalled, "send_queue_bytes");
    double retransmits = DoctorJson.evidence(stalled, "retransmits");
    double sinceAck = DoctorJson.evidence(stalled, "since_last_ack_seconds");
    double sinceData = DoctorJson.evidence(stalled, "since_last_data_received_seconds");
    assertThat(backoff).isGreaterThanOrEqualTo(1);
    assertThat(unacked).isGreaterThanOrEqualTo(1);
    assertThat(sendQueue).isEqualTo(StallPeerMain.STALL_BYTES);
    assertThat(retransmits).isGreaterThanOrEqualTo(1);
    assertThat(DoctorJson.evidence(stalled, "rto_seconds")).isGreaterThan(0);
    // The last ACK and the last data came with the echo of "hello", before the idle period began.
    double sinceWriteNow = (System.nanoTime() - wroteAt) / 1e9;
    assertThat(sinceAck).isBetween(idleSeconds - 0.1, idleSeconds + sinceWriteNow + 0.1);
    assertThat(sinceData).isBetween(idleSeconds - 0.1, idleSeconds + sinceWriteNow + 0.1);
    if (DoctorJson.hasEvidence(stalled, "kernel_gives_up_in_seconds")) {
      assertThat(DoctorJson.evidence(stalled, "kernel_gives_up_in_seconds")).isGreaterThan(0);
    }
    // The shape: idle past the middlebox's timeout, then dead on the write. The doctor
    // reconstructs the idle time as the time since the last ACK less the backed-off RTOs, which
    // overshoots by the time already spent in the current wait (at most the current RTO) and by
    // the tail loss probe that preceded the first RTO (about 200 ms for a single segment).
    assertThat(stalled.get("title").asString()).contains("idle for", "middlebox");
    double rto = DoctorJson.evidence(stalled, "rto_seconds");
    assertThat(DoctorJson.evidence(stalled, "idle_before_seconds"))
        .isBetween((double) TIMEOUT, idleSeconds + rto + 0.5);
    assertThat(DoctorJson.evidence(stalled, "middlebox_idle_timeout_seconds")).isEqualTo(TIMEOUT);
    assertThat(stalled.get("remediation").asString()).contains("TCP_KEEPIDLE", "TCP_USER_TIMEOUT");
    assertThat(d.findings("peer-stuck"))
        .as("a black hole is not a peer that stopped reading")
        .isEmpty();
    // The finding names neither of the healthy connections.
    assertThat(d.out()).doesNotContain(kept, beat);

    // Ground truth after the run: the kernel backed off at least as far, with the data unacked.
    assertThat(plainRow.sendQ()).isEqualTo(StallPeerMain.STALL_BYTES);
    assertThat(plainRow.value("unacked")).isEqualTo((long) unacked);
    assertThat(plainRow.value("backoff")).isGreaterThanOrEqualTo((long) backoff);
    assertThat(plainRow.totalRetrans()).isGreaterThanOrEqualTo((long) retransmits);
    assertThat(topology.invalidDrops()).isGreaterThanOrEqualTo(dropsBefore + (long) retransmits);
    // The other two are healthy: nothing unacknowledged, no backoff, and the heartbeat still
    // echoes through the firewall.
    for (String healthy : List.of(kept, beat)) {
      NetnsProbe.Row r = row(topology, healthy);
      System.out.printf("  ss %s: %s%n", healthy.equals(kept) ? "kept" : "beat", r.info());
      assertThat(r.value("backoff")).as(r.info()).isLessThanOrEqualTo(0);
      assertThat(r.value("unacked")).as(r.info()).isLessThanOrEqualTo(0);
    }
    String[] before = statsBefore.split(" ");
    String[] now = stats(client).split(" ");
    long beatDeadline = System.nanoTime() + Duration.ofMillis(HEARTBEAT_MS + 10_000).toNanos();
    while (Long.parseLong(now[3]) <= Long.parseLong(before[3])
        && System.nanoTime() < beatDeadline) {
      Thread.sleep(200);
      now = stats(client).split(" ");
    }
    assertThat(Long.parseLong(now[3]))
        .as("the heartbeat connection still echoes through the firewall")
        .isGreaterThan(Long.parseLong(before[3]));
    // And the plain one never saw its echo.
    assertThat(now[1]).isEqualTo(before[1]);
  }

  /** Whether the firewall's conntrack table holds a flow from the client's {@code port}. */
  private static boolean tracked(MiddleboxTopology topology, String port) throws IOException {
    String sport = "sport=" + port + " ";
    return topology.conntrackEntries().stream().anyMatch(e -> e.contains(sport));
  }

  /** The client's received-byte counts: {@code stats PLAIN KEPT BEAT}. */
  private static String stats(ChildJvm client) throws IOException, InterruptedException {
    client.send("stats");
    return client.awaitLine("stats ", Duration.ofSeconds(5));
  }

  private static NetnsProbe.Row row(MiddleboxTopology topology, String local) throws IOException {
    for (NetnsProbe.Row r : NetnsProbe.ss(topology.client())) {
      if (r.state().equals("ESTAB") && r.local().equals(local)) {
        return r;
      }
    }
    throw new AssertionError("no ESTAB socket from " + local + " in the client namespace");
  }
}
