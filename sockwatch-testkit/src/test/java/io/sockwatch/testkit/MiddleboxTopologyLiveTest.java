package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.EchoProcess.Keepalive;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Proves the topology reproduces the incident: a connection idle for longer than the firewall's
 * conntrack timeout is forgotten and its next send vanishes, while TCP keepalive below that timeout
 * keeps it alive. The idle periods are deliberate sleeps (idling is the scenario); every other wait
 * polls a condition with a deadline.
 */
@Tag("live")
class MiddleboxTopologyLiveTest {
  private static final int TIMEOUT_SECONDS = 5;

  /** Comfortably past the timeout, so the entry has expired however the seconds round. */
  private static final Duration IDLE = Duration.ofSeconds(TIMEOUT_SECONDS + 3);

  private static final int PORT = 7000;
  private static final Duration ECHO_WAIT = Duration.ofSeconds(5);
  private static final Pattern RETRANS = Pattern.compile("\\bretrans:(\\d+)/(\\d+)");
  private static final Pattern UNACKED = Pattern.compile("\\bunacked:(\\d+)");

  private final List<AutoCloseable> open = new ArrayList<>();
  private MiddleboxTopology topology;

  @BeforeEach
  void setUp() throws IOException {
    topology = MiddleboxTopology.create("mbox", TIMEOUT_SECONDS);
    open.add(topology);
    open.add(EchoProcess.server(topology.server(), topology.serverAddress(), PORT));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void idleConnectionWithoutKeepaliveIsForgottenAndItsNextSendIsRetransmittedUnanswered()
      throws Exception {
    EchoProcess client = connect(null);
    int port = client.localPort();
    assertEchoes(client, "before");
    assertThat(conntrackEntry(port)).get().asString().contains("ESTABLISHED");

    Thread.sleep(IDLE); // the incident: nothing crosses the firewall for longer than its timeout

    assertThat(conntrackEntry(port)).as("entry expired after %s idle", IDLE).isEmpty();
    long dropsBefore = topology.invalidDrops();
    client.send("after");

    // The kernel retransmits with exponential backoff: 2 retransmissions take well under 1 s
    // (RTO starts at 200 ms), so 15 s allows for a slow, busy host.
    String info = topology.awaitClientRetransmits(port, 2, Duration.ofSeconds(15));
    Matcher retrans = RETRANS.matcher(info);
    assertThat(retrans.find()).as(info).isTrue();
    assertThat(Integer.parseInt(retrans.group(2))).as(info).isGreaterThanOrEqualTo(2);
    Matcher unacked = UNACKED.matcher(info);
    assertThat(unacked.find()).as(info).isTrue();
    assertThat(Integer.parseInt(unacked.group(1))).as(info).isPositive();

    assertThat(awaitDropsAbove(dropsBefore, Duration.ofSeconds(5)))
        .as("invalid drops counted by the firewall")
        .isGreaterThanOrEqualTo(dropsBefore + 2);
    // Over a live path the echo takes well under a millisecond; by now it had 2 retransmissions.
    assertThat(client.awaitLine("ECHO", Duration.ofMillis(100))).isEmpty();
    assertThat(conntrackEntry(port)).as("the firewall did not adopt the mid-stream send").isEmpty();
  }

  @Test
  void keepaliveBelowTheTimeoutKeepsTheConnectionThroughTheSameIdlePeriod() throws Exception {
    EchoProcess client = connect(new Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    int port = client.localPort();
    assertEchoes(client, "before");
    long dropsBefore = topology.invalidDrops();

    Thread.sleep(IDLE); // same idle period; keepalive probes refresh the entry every 2 s

    assertThat(conntrackEntry(port)).get().asString().contains("ESTABLISHED");
    assertEchoes(client, "after");
    assertThat(topology.invalidDrops()).isEqualTo(dropsBefore);
  }

  private EchoProcess connect(Keepalive keepalive) throws IOException {
    EchoProcess client =
        EchoProcess.client(topology.client(), topology.serverAddress(), PORT, keepalive);
    open.add(client);
    return client;
  }

  private static void assertEchoes(EchoProcess client, String line) throws IOException {
    client.send(line);
    assertThat(client.awaitLine("ECHO", ECHO_WAIT)).contains("ECHO " + line);
  }

  /** The firewall's conntrack line for the client's connection, if it still has one. */
  private Optional<String> conntrackEntry(int clientPort) throws IOException {
    return topology.conntrackEntries().stream()
        .filter(l -> l.contains(" tcp ") && l.contains("sport=" + clientPort + " "))
        .findFirst();
  }

  private long awaitDropsAbove(long before, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long drops;
    do {
      drops = topology.invalidDrops();
      if (drops >= before + 2) {
        return drops;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return drops;
  }
}
