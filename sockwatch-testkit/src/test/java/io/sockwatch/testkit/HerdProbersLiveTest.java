package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The generators' own counts against the kernel's: each prober's established connects against the
 * TIME_WAIT sockets from its address ({@code ss}), and all attempts against the namespace's {@code
 * TcpActiveOpens} growth (/proc/net/snmp). Each test runs in a namespace of its own (with {@code
 * tcp_rfc1337=1}, see {@link TestNetns}), where nothing else connects, so both hold exactly; the
 * run is shorter than TIME_WAIT's 60 s, so every TIME_WAIT made is still there.
 */
@Tag("live")
class HerdProbersLiveTest {
  private static final int PROBERS = HerdProbers.DEFAULT_COUNT;
  private static final int PORT = HerdProbers.DEFAULT_PORT;
  private static final int ROUNDS = 5;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void everyProbersCountIsItsTimeWaitAndAllAttemptsAreTheNamespacesActiveOpens() throws Exception {
    List<Long> pids;
    try (TestNetns ns = TestNetns.create("herd");
        HerdProbers herd = HerdProbers.listen(ns, PROBERS, PORT, Duration.ofSeconds(1))) {
      pids = herd.pids();
      assertThat(pids).doesNotHaveDuplicates().hasSize(PROBERS);
      assertThat(listeners(ns)).containsExactlyInAnyOrderElementsOf(herd.addresses());
      assertThat(HerdProbers.total(herd.counts())).isEqualTo(ProbeCount.ZERO);

      long opens0 = activeOpens(ns);
      long begun = System.nanoTime();
      herd.begin();
      await(
          () -> herd.counts().stream().allMatch(c -> c.rounds() >= ROUNDS),
          "every prober ran " + ROUNDS + " rounds");

      // A count at a known moment lies between two readings of the kernel's counter.
      long before = activeOpens(ns) - opens0;
      ProbeCount now = HerdProbers.total(herd.counts());
      long after = activeOpens(ns) - opens0;
      assertThat(before).isLessThanOrEqualTo(now.attempted());
      assertThat(after).isGreaterThanOrEqualTo(now.established());

      List<ProbeCount> last = herd.stop();
      ProbeCount total = HerdProbers.total(last);
      assertThat(activeOpens(ns) - opens0).isEqualTo(total.attempted());
      for (ProbeCount c : last) {
        assertThat(c.failed()).isZero();
        assertThat(c.rounds()).isGreaterThanOrEqualTo(ROUNDS);
        assertThat(c.attempted()).isEqualTo(c.rounds() * (PROBERS - 1)); // whole rounds
        assertThat(c.established()).isEqualTo(c.attempted());
      }
      // Every connect was accepted by a peer (its listener may still be catching up).
      await(
          () -> HerdProbers.total(herd.counts()).accepted() == total.established(),
          "the listeners accepted all " + total.established() + " connections");

      // TIME_WAIT lasts 60 s: every one made since begin() must still be there.
      assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(Duration.ofSeconds(55));
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < PROBERS; i++) {
        expected.put(herd.addresses().get(i), last.get(i).established());
      }
      await(() -> timeWaitBySource(ns, PORT).equals(expected), "TIME_WAIT per prober = its count");
      assertThat(timeWaitBySource(ns, PORT)).isEqualTo(expected);
      assertThat(timeWaitFromPort(ns, PORT)).as("TIME_WAIT on the listeners' side").isZero();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("prober %d after close", pid)
          .isFalse();
    }
  }

  @Test
  void shortLivedPollerLeavesOneTimeWaitPerConnectOnItsSide() throws Exception {
    try (TestNetns ns = TestNetns.create("poll")) {
      long opens0 = activeOpens(ns);
      long launched = System.nanoTime();
      long pollerPid;
      try (ShortLivedPoller poller = ShortLivedPoller.start(ns)) {
        pollerPid = poller.pollerPid();
        assertThat(pollerPid).isNotEqualTo(poller.sinkPid());
        await(() -> poller.count().established() >= 30, "30 polls");
        ProbeCount last = poller.stop();
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - launched).toMillis();
        assertThat(last.failed()).isZero();
        assertThat(last.established()).isEqualTo(last.attempted()).isEqualTo(last.rounds());
        // Never faster than its schedule: one connect per 100 ms since it was launched.
        assertThat(last.attempted()).isLessThanOrEqualTo(elapsedMillis / 100 + 1);
        assertThat(activeOpens(ns) - opens0).isEqualTo(last.attempted());
        await(
            () -> poller.sinkCount().accepted() == last.established(),
            "the sink accepted every poll");
        String source = ShortLivedPoller.DEFAULT_SOURCE;
        await(
            () ->
                timeWaitBySource(ns, ShortLivedPoller.DEFAULT_PORT)
                    .equals(Map.of(source, last.established())),
            "one TIME_WAIT per poll from " + source);
        assertThat(timeWaitFromPort(ns, ShortLivedPoller.DEFAULT_PORT)).isZero();
      }
      assertThat(ProcessHandle.of(pollerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  /** The addresses listening on {@link #PORT} in {@code ns}, from {@code ss}. */
  private static List<String> listeners(TestNetns ns) throws IOException {
    return ns.exec("ss", "-Htln", "sport", "= :" + PORT)
        .lines()
        .map(l -> l.trim().split("\\s+")[3])
        .map(ProberArgs::host)
        .toList();
  }

  /** TIME_WAIT sockets to {@code port}, counted by their local (source) address. */
  private static Map<String, Long> timeWaitBySource(TestNetns ns, int port) throws IOException {
    Map<String, Long> out = new HashMap<>();
    for (String line :
        ns.exec("ss", "-Htan", "state", "time-wait", "dport", "= :" + port).lines().toList()) {
      out.merge(ProberArgs.host(line.trim().split("\\s+")[2]), 1L, Long::sum);
    }
    return out;
  }

  private static long timeWaitFromPort(TestNetns ns, int port) throws IOException {
    return ns.exec("ss", "-Htan", "state", "time-wait", "sport", "= :" + port).lines().count();
  }

  /** The namespace's TcpActiveOpens, from the Tcp: lines of /proc/net/snmp. */
  private static long activeOpens(TestNetns ns) throws IOException {
    List<String> tcp =
        ns.exec("cat", "/proc/net/snmp").lines().filter(l -> l.startsWith("Tcp:")).toList();
    List<String> names = List.of(tcp.get(0).split("\\s+"));
    return Long.parseLong(tcp.get(1).split("\\s+")[names.indexOf("ActiveOpens")]);
  }

  private interface Check {
    boolean holds() throws IOException;
  }

  /** Polls {@code check} every 200 ms until it holds, failing after {@link #WAIT}. */
  private static void await(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.holds()) {
      assertThat(System.nanoTime() - deadline).as("waiting for: " + what).isNegative();
      Thread.sleep(200);
    }
  }
}
