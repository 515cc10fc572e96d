package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.TcpState;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real loopback sockets in every interesting state, read through {@code /proc/net/tcp{,6}} and
 * compared with {@code ss} (netlink sock_diag) and with this process's own descriptors.
 */
@Tag("live")
class ProcNetTcpSourceLiveTest {

  private static final long DEADLINE_NANOS = 30_000_000_000L;
  private static final int SO_TIMEOUT_MILLIS = 10_000;
  private static final int UNREAD_BYTES = 1000;

  private final List<Closeable> open = new ArrayList<>();

  /** A listening channel and the family of its kernel socket (INET6 also for v4-mapped). */
  private record Listener(ServerSocketChannel channel, ProtocolFamily family) {}

  @AfterEach
  void closeEverything() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (IOException ignored) {
        // best effort: the next one must still be closed
      }
    }
    open.clear();
  }

  @Test
  void ownSocketsMatchSsAndTheListenerInodeMatchesProcSelfFd() throws Exception {
    // The JDK opens a socketpair of its own the first time a channel is used (for closing
    // descriptors safely); open and close one channel first so it is in the "before" set.
    ServerSocketChannel.open(StandardProtocolFamily.INET).close();
    Set<Long> inodesBefore = socketInodesOfThisProcess();
    Listener v4 = listen(StandardProtocolFamily.INET, "127.0.0.1");
    Set<Long> listenerInodes = socketInodesOfThisProcess();
    listenerInodes.removeAll(inodesBefore);
    assertThat(listenerInodes).as("exactly one new socket descriptor").hasSize(1);
    long v4ListenerInode = listenerInodes.iterator().next();
    Listener v6 = listen(StandardProtocolFamily.INET6, "::1");
    // An AF_INET6 socket bound to 127.0.0.1 is ::ffff:127.0.0.1 and appears in tcp6.
    Listener mapped = listen(StandardProtocolFamily.INET6, "127.0.0.1");

    Set<String> expected = new HashSet<>();
    expected.addAll(populate(v4));
    expected.addAll(populate(v6));
    expected.addAll(establish(mapped));
    Set<String> ours = Set.of(endpoint(v4), endpoint(v6), endpoint(mapped));
    String ssFilter =
        Stream.of(v4, v6, mapped)
            .map(l -> "sport = :" + port(l) + " or dport = :" + port(l))
            .collect(Collectors.joining(" or ", "( ", " )"));

    // Wait (bounded) until the kernel has settled every socket in its final state.
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    Set<String> ssKeys;
    do {
      ssKeys = tupleKeys(ssRows(ssFilter, ours));
    } while (!ssKeys.equals(expected) && System.nanoTime() < deadline);
    assertThat(ssKeys).as("ss shows the population").isEqualTo(expected);

    SocketTable table = new ProcNetTcpSource().read(ScanRequest.all());
    List<SsRows.Row> ssAfter = ssRows(ssFilter, ours);
    List<SocketRecord> proc =
        table.sockets().stream()
            .filter(s -> ours.contains(local(s)) || ours.contains(remote(s)))
            .toList();

    assertThat(table.unavailable()).isEmpty();
    assertThat(proc.stream().map(SocketRecord::tupleKey))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(proc.stream().map(SsRows::detailKey))
        .as("state, endpoints, inode and queues agree with ss")
        .containsExactlyInAnyOrderElementsOf(ssAfter.stream().map(SsRows.Row::detailKey).toList());
    SocketRecord v4Listener =
        proc.stream()
            .filter(s -> s.state() == TcpState.LISTEN && local(s).equals(endpoint(v4)))
            .findFirst()
            .orElseThrow();
    assertThat(v4Listener.family()).isEqualTo(AddressFamily.INET);
    assertThat(v4Listener.inode()).as("inode in /proc/self/fd").isEqualTo(v4ListenerInode);
    assertThat(proc)
        .filteredOn(s -> s.receiveQueue() == UNREAD_BYTES)
        .as("the two servers holding unread bytes")
        .hasSize(2);
  }

  /** One full read serves both checks: each read walks every socket of the namespace. */
  @Test
  void netDirectoryOfThisProcessWithAStateFilterReturnsOnlyOurListenersState() throws Exception {
    Listener v4 = listen(StandardProtocolFamily.INET, "127.0.0.1");
    Listener v6 = listen(StandardProtocolFamily.INET6, "::1");
    Set<String> established = new HashSet<>(establish(v4));
    established.removeIf(k -> k.startsWith("LISTEN "));
    Path netDir = Path.of("/proc/" + ProcessHandle.current().pid() + "/net");
    SocketTable table =
        ProcNetTcpSource.ofNetDirectory(netDir)
            .read(new ScanRequest(EnumSet.of(TcpState.LISTEN), false));
    assertThat(table.sockets()).allMatch(s -> s.state() == TcpState.LISTEN);
    assertThat(table.sockets().stream().map(ProcNetTcpSourceLiveTest::local))
        .contains(endpoint(v4), endpoint(v6));
    assertThat(established).hasSize(2);
    assertThat(table.sockets().stream().map(SocketRecord::tupleKey))
        .doesNotContainAnyElementsOf(established);
  }

  /**
   * Builds on one listener: an idle established pair, a pair whose server holds unread bytes, a
   * CLOSE-WAIT server whose client closed (the client lingers as FIN-WAIT-2), and a TIME-WAIT
   * client. Returns the tuple keys the kernel should then show for this listener.
   */
  private Set<String> populate(Listener listener) throws IOException {
    Set<String> keys = new HashSet<>(establish(listener));
    String server = endpoint(listener);

    SocketChannel client = connect(listener);
    accept(listener);
    client.write(ByteBuffer.wrap(new byte[UNREAD_BYTES]));
    keys.add("ESTAB " + endpoint(client, listener.family()) + " " + server);
    keys.add("ESTAB " + server + " " + endpoint(client, listener.family()));

    SocketChannel closer = connect(listener);
    Socket closeWait = accept(listener);
    String closerEndpoint = endpoint(closer, listener.family());
    closer.close();
    assertThat(closeWait.getInputStream().read()).as("FIN seen by the server").isEqualTo(-1);
    keys.add("CLOSE-WAIT " + server + " " + closerEndpoint);
    keys.add("FIN-WAIT-2 " + closerEndpoint + " " + server);

    SocketChannel timeWaiter = connect(listener);
    Socket peer = accept(listener);
    String timeWaitEndpoint = endpoint(timeWaiter, listener.family());
    timeWaiter.close();
    assertThat(peer.getInputStream().read()).as("FIN seen by the server").isEqualTo(-1);
    peer.close();
    keys.add("TIME-WAIT " + timeWaitEndpoint + " " + server);
    return keys;
  }

  /** The listener itself and one idle established pair. */
  private Set<String> establish(Listener listener) throws IOException {
    String server = endpoint(listener);
    String any = listener.family() == StandardProtocolFamily.INET ? "0.0.0.0:0" : "[::]:0";
    SocketChannel client = connect(listener);
    accept(listener);
    String c = endpoint(client, listener.family());
    return Set.of(
        "LISTEN " + server + " " + any, "ESTAB " + c + " " + server, "ESTAB " + server + " " + c);
  }

  private Listener listen(ProtocolFamily family, String address) throws IOException {
    ServerSocketChannel l = ServerSocketChannel.open(family);
    open.add(l);
    l.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
    l.socket().setSoTimeout(SO_TIMEOUT_MILLIS);
    return new Listener(l, family);
  }

  private SocketChannel connect(Listener listener) throws IOException {
    SocketChannel c = SocketChannel.open(listener.family());
    open.add(c);
    c.socket().connect(listener.channel().getLocalAddress(), SO_TIMEOUT_MILLIS);
    return c;
  }

  private Socket accept(Listener listener) throws IOException {
    Socket s = listener.channel().socket().accept();
    open.add(s);
    s.setSoTimeout(SO_TIMEOUT_MILLIS);
    return s;
  }

  private static int port(Listener l) {
    return l.channel().socket().getLocalPort();
  }

  private static String endpoint(Listener l) {
    return endpoint(l.channel(), l.family());
  }

  /** The endpoint text the kernel shows for a channel of {@code family} (mapped for INET6). */
  private static String endpoint(NetworkChannel channel, ProtocolFamily family) {
    InetSocketAddress a;
    try {
      a = (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IpAddress address = IpAddress.ofBytes(a.getAddress().getAddress());
    if (family == StandardProtocolFamily.INET6 && !address.v6()) {
      address = IpAddress.ofV6(0, 0xffff_0000_0000L | address.lo());
    }
    StringBuilder sb = new StringBuilder();
    SocketRecord.appendEndpoint(sb, address, a.getPort());
    return sb.toString();
  }

  private static String local(SocketRecord s) {
    StringBuilder sb = new StringBuilder();
    SocketRecord.appendEndpoint(sb, s.localAddress(), s.localPort());
    return sb.toString();
  }

  private static String remote(SocketRecord s) {
    StringBuilder sb = new StringBuilder();
    SocketRecord.appendEndpoint(sb, s.remoteAddress(), s.remotePort());
    return sb.toString();
  }

  /** ss rows touching one of our listener endpoints (the port filter runs in the kernel). */
  private static List<SsRows.Row> ssRows(String filter, Set<String> ours)
      throws IOException, InterruptedException {
    return SsRows.run(filter).stream()
        .filter(
            r -> {
              String[] f = r.tupleKey().split(" ");
              return ours.contains(f[1]) || ours.contains(f[2]);
            })
        .toList();
  }

  private static Set<String> tupleKeys(List<SsRows.Row> rows) {
    return rows.stream().map(SsRows.Row::tupleKey).collect(Collectors.toSet());
  }

  /** Inodes of the sockets this JVM has open, from the {@code socket:[N]} links in its fd dir. */
  private static Set<Long> socketInodesOfThisProcess() throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
          continue;
        }
        if (target.startsWith("socket:[")) {
          inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      }
    }
    return inodes;
  }
}
