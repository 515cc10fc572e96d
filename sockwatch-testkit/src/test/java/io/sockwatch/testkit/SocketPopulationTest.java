package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("live")
class SocketPopulationTest {

  private SocketPopulation population;
  private TestNetns netns;

  @AfterEach
  void tearDown() throws IOException {
    if (population != null) {
      population.close();
    }
    if (netns != null) {
      netns.close();
    }
  }

  /**
   * Runs in a namespace of its own so that other users of this host (which may fill the TIME_WAIT
   * buckets or the socket table) cannot change the counts.
   */
  @Test
  void buildsExactCountsAcrossWorkersAndTearsDown() throws IOException {
    netns = TestNetns.create("swpop-test");
    population =
        SocketPopulation.builder()
            .netns(netns.name())
            .established(200)
            .timeWait(100)
            .closeWait(50)
            .maxDescriptorsPerWorker(300)
            .start();
    List<SocketPopulation.WorkerInfo> workers = population.workers();
    // 250 held pairs at most (300 - 3 listeners) / 2 = 148 per worker: two workers, one of
    // them with all three kinds, the other with established and time-wait only.
    assertThat(workers).hasSize(2);
    assertThat(population.listenerEndpoints()).hasSize(5);

    SsTable all = SsTable.readInNetns(netns.name());
    SsTable mine = all.filter(population::owns);
    assertThat(Instant.now()).isBefore(population.timeWaitStableUntil());

    assertThat(all.ignoredLines()).isZero();
    assertThat(mine.countsByState())
        .isEqualTo(
            Map.of(
                "ESTAB", 400, "TIME-WAIT", 100, "CLOSE-WAIT", 50, "FIN-WAIT-2", 50, "LISTEN", 5));
    assertThat(mine.countsByState()).isEqualTo(population.expectedCounts());
    assertThat(population.snapshot().tupleKeys()).isEqualTo(mine.tupleKeys());
    assertSidesAreRight(mine);
    for (SocketPopulation.WorkerInfo w : workers) {
      assertThat(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive)).contains(true);
      assertThat(socketDescriptors(w.pid())).isGreaterThanOrEqualTo(w.heldDescriptors());
    }
    assertThat(workers.stream().mapToInt(SocketPopulation.WorkerInfo::heldDescriptors).sum())
        .isEqualTo(2 * (200 + 50) + 5);

    population.close();

    for (SocketPopulation.WorkerInfo w : workers) {
      assertThat(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    // Held sockets were reset, so nothing but the TIME_WAIT population itself may remain.
    awaitTrue(
        () -> snapshotCounts(population).equals(Map.of("TIME-WAIT", 100)), Duration.ofSeconds(10));
  }

  /**
   * Each state is on the side the population promises: servers (local = listener) in CLOSE-WAIT,
   * clients (peer = listener) in FIN-WAIT-2 and TIME-WAIT, both sides of ESTAB.
   */
  private void assertSidesAreRight(SsTable mine) {
    for (SsEntry e : mine.entries()) {
      boolean server = population.listenerEndpoints().contains(e.local());
      switch (e.state()) {
        case "CLOSE-WAIT", "LISTEN" -> assertThat(server).as(e.key()).isTrue();
        case "FIN-WAIT-2", "TIME-WAIT" -> assertThat(server).as(e.key()).isFalse();
        default -> assertThat(e.state()).isEqualTo("ESTAB");
      }
    }
    assertThat(mine.filter(e -> e.state().equals("ESTAB")).entries())
        .filteredOn(e -> population.listenerEndpoints().contains(e.local()))
        .hasSize(200);
  }

  /** The default: the current namespace, whose socket table other processes share. */
  @Test
  void buildsHeldPairsInTheCurrentNamespace() throws IOException {
    population =
        SocketPopulation.builder()
            .established(300)
            .closeWait(20)
            .maxDescriptorsPerWorker(400)
            .start();

    assertThat(population.workerPids()).hasSize(2);
    assertThat(SsTable.read().filter(population::owns).countsByState())
        .isEqualTo(Map.of("ESTAB", 600, "CLOSE-WAIT", 20, "FIN-WAIT-2", 20, "LISTEN", 3));

    population.close();

    assertThat(population.snapshot().size()).isZero();
  }

  @Test
  void refusesMoreTimeWaitThanTheKernelKeeps() {
    long max = HostLimits.read().timeWaitMax();

    assertThatThrownBy(() -> SocketPopulation.builder().timeWait(Math.toIntExact(max + 1)).start())
        .isInstanceOf(PopulationException.class)
        .hasMessageContaining("tcp_max_tw_buckets");
  }

  @Test
  void refusesAPortWhoseEndpointsAreAlreadyInUse() throws IOException {
    try (ServerSocketChannel blocker = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      blocker.bind(new InetSocketAddress("127.77.1.1", 0));
      int port = ((InetSocketAddress) blocker.getLocalAddress()).getPort();

      assertThatThrownBy(() -> SocketPopulation.builder().established(1).port(port).start())
          .isInstanceOf(PopulationException.class)
          .hasMessageContaining("already use the population's endpoints")
          .hasMessageContaining("LISTEN 127.77.1.1:" + port);
    }
  }

  @Test
  void workerFailureIsReportedAndLeavesNoWorkerBehind() throws IOException {
    // A dual-stack socket on the same address is invisible to the IPv4 endpoint check but
    // still makes the worker's bind fail: the worker must report that, not hang.
    try (ServerSocketChannel blocker = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
      blocker.bind(new InetSocketAddress("127.77.1.1", 0));
      int port = ((InetSocketAddress) blocker.getLocalAddress()).getPort();
      Set<Long> before = childPids();

      assertThatThrownBy(() -> SocketPopulation.builder().established(1).port(port).start())
          .isInstanceOf(PopulationException.class)
          .hasMessageContaining("cannot listen on 127.77.1.1:" + port);
      assertThat(childPids()).isEqualTo(before);
    }
  }

  @Test
  void emptyPopulationStartsNoWorkers() {
    population = SocketPopulation.builder().start();

    assertThat(population.workerPids()).isEmpty();
    assertThat(population.expectedCounts()).isEmpty();
  }

  private static Set<Long> childPids() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  private static Map<String, Integer> snapshotCounts(SocketPopulation p) {
    try {
      return p.snapshot().countsByState();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long socketDescriptors(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.filter(fd -> isSocket(fd)).count();
    }
  }

  private static boolean isSocket(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString().startsWith("socket:");
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within " + bound).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
