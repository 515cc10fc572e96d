package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * No false alarms: a bulk transfer of a few hundred MB on loopback with 1% of its packets lost
 * (netem where the kernel has it, otherwise a random nftables drop of 1% of the data segments), so
 * it has ordinary retransmissions, beside an idle healthy connection. {@code doctor}, run again and
 * again during the transfer, reports neither as {@code stalled} nor as {@code peer-stuck}.
 */
@Tag("live")
class StalledNoFalseAlarmLiveTest {

  private static final int PORT = 7721;
  private static final long TARGET_BYTES = 300L << 20;
  private static final long MIN_BYTES = 200L << 20;
  private static final int MIN_RUNS = 8;
  private static final Duration BOUND = Duration.ofSeconds(120);

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @Test
  void lossyBulkTransferAndIdleConnectionAreNeitherStalledNorStuck() throws Exception {
    TestNetns ns = closer.keep(TestNetns.create("nofa"));
    // Ethernet-sized segments, as on a real path, so loss is mostly repaired by fast retransmit.
    ns.exec("ip", "link", "set", "lo", "mtu", "1500");
    String loss = lose1Percent(ns);
    closer.keep(PeerProcess.start(ns, "serve", Integer.toString(PORT)));
    PeerProcess idle = closer.keep(PeerProcess.start(ns, "connect", Integer.toString(PORT)));
    ChildJvm bulk =
        closer.keep(
            ChildJvm.launcher()
                .netns(ns)
                .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
                .start(StallPeerMain.class, "bulk", Integer.toString(PORT)));
    String bulkEnd =
        "127.0.0.1:" + bulk.awaitLine("connected ", Duration.ofSeconds(30)).split(" ")[1];
    String idleEnd = "127.0.0.1:" + idle.localPort();

    long start = System.nanoTime();
    int runs = 0;
    long acked = 0;
    while ((runs < MIN_RUNS || acked < TARGET_BYTES)
        && System.nanoTime() - start < BOUND.toNanos()) {
      DoctorProcess d = DoctorProcess.run(ns, "doctor", "--once", "-o", "json");
      runs++;
      assertThat(d.findings("stalled")).as("run %d: %s", runs, d.out()).isEmpty();
      assertThat(d.findings("peer-stuck")).as("run %d: %s", runs, d.out()).isEmpty();
      acked = row(ns, bulkEnd).value("bytes_acked");
    }
    NetnsProbe.Row b = row(ns, bulkEnd);
    System.out.printf(
        "no false alarm (%s): %d doctor runs in %.1f s, %d MB acked, %d segments"
            + " retransmitted%n  ss bulk: %s%n  ss idle: %s%n",
        loss,
        runs,
        (System.nanoTime() - start) / 1e9,
        acked >> 20,
        b.totalRetrans(),
        b.info(),
        row(ns, idleEnd).info());
    assertThat(runs).isGreaterThanOrEqualTo(MIN_RUNS);
    assertThat(acked).as("a few hundred MB went through").isGreaterThanOrEqualTo(MIN_BYTES);
    assertThat(b.totalRetrans()).as("the transfer had ordinary retransmissions").isPositive();
  }

  /** Loses 1% of the namespace's packets with netem, or 1% of the data segments with nftables. */
  private static String lose1Percent(TestNetns ns) throws IOException {
    try {
      ns.exec("tc", "qdisc", "add", "dev", "lo", "root", "netem", "loss", "1%");
      return "netem loss 1%";
    } catch (IOException noNetem) {
      NetnsProbe.dropOnInput(
          ns,
          "tcp",
          "dport",
          Integer.toString(PORT),
          "meta",
          "length",
          "gt",
          "100",
          "numgen",
          "random",
          "mod",
          "100",
          "lt",
          "1");
      return "nftables drop of 1% of data segments; no netem";
    }
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
