package io.sockwatch.kernel.sockdiag;

import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpState;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The netlink source against the real kernel, with {@code ss} and {@code /proc} as ground truth.
 * Each test runs in its own network namespace (see {@link PrivateNetns}), so the socket table holds
 * exactly the loopback sockets the test opened.
 */
@Tag("live")
class NetlinkSockDiagSourceLiveTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final NetlinkSockDiagSource source = new NetlinkSockDiagSource();

  /** Opens one socket in each interesting state; returns the IPv4 listener's port. */
  private static int openMix(LoopbackSockets sockets) throws Exception {
    ServerSocketChannel listener4 = sockets.listen(INET, "127.0.0.1");
    for (int i = 0; i < 3; i++) {
      LoopbackSockets.exchange(sockets.connect(listener4, INET, "127.0.0.1"));
    }
    sockets.timeWait(listener4, INET, "127.0.0.1");
    sockets.closeWait(listener4, INET, "127.0.0.1");
    ServerSocketChannel listener6 = sockets.listen(INET6, "::1");
    for (int i = 0; i < 2; i++) {
      LoopbackSockets.exchange(sockets.connect(listener6, INET6, "::1"));
    }
    ServerSocketChannel dualStack = sockets.listen(INET6, "::");
    LoopbackSockets.exchange(sockets.connect(dualStack, INET, "127.0.0.1"));
    Poll.until(
        Duration.ofSeconds(5),
        "TIME-WAIT, CLOSE-WAIT and FIN-WAIT-2 (the peer's FIN acknowledged) in ss",
        () -> {
          String ss = SsTan.run("ss", "-tanH");
          return ss.contains("TIME-WAIT")
              && ss.contains("CLOSE-WAIT")
              && ss.contains("FIN-WAIT-2")
              && !ss.contains("FIN-WAIT-1");
        });
    return LoopbackSockets.port(listener4);
  }

  @Test
  void readsTheSameSocketsAsSsWithDetailsThatMatchTheKernel() throws Exception {
    PrivateNetns.call(
        TIMEOUT,
        () -> {
          try (LoopbackSockets sockets = new LoopbackSockets()) {
            int listenerPort = openMix(sockets);
            SocketTable table = source.read(ScanRequest.allWithDetails());
            Set<String> ss = SsTan.tupleKeys();
            SocketTable again = source.read(ScanRequest.allWithDetails());

            assertThat(table.source()).isEqualTo("netlink");
            assertThat(table.unavailable()).isEmpty();
            List<String> keys = table.sockets().stream().map(SocketRecord::tupleKey).toList();
            assertThat(keys).doesNotHaveDuplicates().hasSize(18);
            assertThat(keys).containsExactlyInAnyOrderElementsOf(ss);

            String congestion =
                Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
            int tcpInfoLength = expectedTcpInfoLength();
            for (SocketRecord r : table.sockets()) {
              if (r.state() == TcpState.ESTABLISHED) {
                if (tcpInfoLength > 0) {
                  assertThat(r.tcpInfo().length()).as(r.tupleKey()).isEqualTo(tcpInfoLength);
                }
                assertThat(r.tcpInfo().rttMicros()).as(r.tupleKey()).isPositive();
                assertThat(r.skMem().isPresent()).as(r.tupleKey()).isTrue();
                assertThat(r.skMem().rcvBuf()).as(r.tupleKey()).isPositive();
                assertThat(r.congestion()).as(r.tupleKey()).isEqualTo(congestion);
                assertThat(r.inode()).as(r.tupleKey()).isPositive();
              }
              if (r.state() == TcpState.TIME_WAIT) {
                assertThat(r.timer()).isEqualTo(SocketTimer.TIME_WAIT);
                assertThat(r.inode()).isZero();
                assertThat(r.tcpInfo().isPresent()).isFalse();
              }
            }
            SocketRecord mapped = only(table, r -> r.localAddress().isV4Mapped());
            assertThat(mapped.family()).isEqualTo(AddressFamily.INET6);
            assertThat(mapped.state()).isEqualTo(TcpState.ESTABLISHED);

            // Every socket in this namespace is ours, so every inode is one of our descriptors;
            // the listener's is also the one /proc/net/tcp gives for its port.
            Set<Long> ownInodes = socketInodesOfThisProcess();
            for (SocketRecord r : table.sockets()) {
              if (r.inode() != 0) {
                assertThat(ownInodes).as(r.tupleKey()).contains(r.inode());
              }
            }
            SocketRecord listener =
                only(table, r -> r.state() == TcpState.LISTEN && r.localPort() == listenerPort);
            assertThat(listener.inode()).isEqualTo(procNetTcpListenerInode(listenerPort));

            Map<String, Long> cookies = cookies(table);
            assertThat(cookies.values()).doesNotContain(0L).doesNotHaveDuplicates();
            assertThat(cookies(again)).isEqualTo(cookies);
          }
          return null;
        });
  }

  @Test
  void stateFilterIsAppliedAndDetailsAreOnlyFetchedWhenAsked() throws Exception {
    PrivateNetns.call(
        TIMEOUT,
        () -> {
          try (LoopbackSockets sockets = new LoopbackSockets()) {
            openMix(sockets);
            SocketTable listeners =
                source.read(new ScanRequest(EnumSet.of(TcpState.LISTEN), false));

            assertThat(listeners.sockets())
                .hasSize(3)
                .allMatch(r -> r.state() == TcpState.LISTEN)
                .allMatch(r -> !r.tcpInfo().isPresent() && !r.skMem().isPresent())
                .allMatch(r -> r.congestion().isEmpty());
            assertThat(listeners.sockets().stream().map(SocketRecord::tupleKey))
                .containsExactlyInAnyOrderElementsOf(SsTan.tupleKeys(TcpState.LISTEN));

            SocketTable closing =
                source.read(
                    new ScanRequest(EnumSet.of(TcpState.TIME_WAIT, TcpState.CLOSE_WAIT), true));
            assertThat(closing.sockets())
                .extracting(SocketRecord::state)
                .containsExactlyInAnyOrder(TcpState.TIME_WAIT, TcpState.CLOSE_WAIT);
          }
          return null;
        });
  }

  @Test
  void readsTheNamespaceOfTheCallingThreadOnly() throws Exception {
    long cookie =
        PrivateNetns.call(
            TIMEOUT,
            () -> {
              try (LoopbackSockets sockets = new LoopbackSockets()) {
                int port = LoopbackSockets.port(sockets.listen(INET, "127.0.0.1"));
                SocketTable inside =
                    source.read(new ScanRequest(EnumSet.of(TcpState.LISTEN), false));
                return only(inside, r -> r.localPort() == port).cookie();
              }
            });
    // Cookies are unique machine-wide, so the listener cannot hide behind a port clash here.
    SocketTable outside = source.read(new ScanRequest(EnumSet.of(TcpState.LISTEN), false));
    assertThat(outside.sockets()).extracting(SocketRecord::cookie).doesNotContain(cookie);
  }

  @Test
  void concurrentReadsFromManyThreadsAgree() throws Exception {
    PrivateNetns.call(
        TIMEOUT,
        () -> {
          try (LoopbackSockets sockets = new LoopbackSockets()) {
            openMix(sockets);
            Set<String> expected = keys(source.read(ScanRequest.allWithDetails()));
            // Platform threads started here inherit this thread's namespace.
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
              List<Future<Set<String>>> results = new ArrayList<>();
              // Few reads: a dump walks the kernel's whole TCP hash, which other namespaces on a
              // busy host can fill with a million sockets.
              for (int i = 0; i < 8; i++) {
                Callable<Set<String>> read = () -> keys(source.read(ScanRequest.allWithDetails()));
                results.add(pool.submit(read));
              }
              for (Future<Set<String>> f : results) {
                assertThat(f.get()).isEqualTo(expected);
              }
            }
          }
          return null;
        });
  }

  private static Set<String> keys(SocketTable table) {
    return table.sockets().stream().map(SocketRecord::tupleKey).collect(Collectors.toSet());
  }

  private static Map<String, Long> cookies(SocketTable table) {
    return table.sockets().stream()
        .collect(Collectors.toMap(SocketRecord::tupleKey, SocketRecord::cookie));
  }

  private static SocketRecord only(
      SocketTable table, java.util.function.Predicate<SocketRecord> which) {
    List<SocketRecord> found = table.sockets().stream().filter(which).toList();
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  /** 280 on 6.18 (what this machine runs); 0 means "not known for this kernel, not checked". */
  private static int expectedTcpInfoLength() throws IOException {
    String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    return release.startsWith("6.18.") ? 280 : 0;
  }

  /** Inodes of the sockets in /proc/self/fd (links read {@code socket:[N]}). */
  private static Set<Long> socketInodesOfThisProcess() throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(Long.parseLong(link.substring(8, link.length() - 1)));
          }
        } catch (IOException closedMeanwhile) {
          // The directory stream's own descriptor is gone by now; it is no socket anyway.
        }
      }
    }
    return inodes;
  }

  /** The inode column of the LISTEN row for {@code port} in this thread's /proc/net/tcp. */
  private static long procNetTcpListenerInode(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String line : Files.readAllLines(Path.of("/proc/thread-self/net/tcp"))) {
      String[] f = line.trim().split("\\s+");
      if (f[1].endsWith(hexPort) && f[3].equals("0A")) {
        return Long.parseLong(f[9]);
      }
    }
    throw new AssertionError("no listener on port " + port + " in /proc/thread-self/net/tcp");
  }
}
