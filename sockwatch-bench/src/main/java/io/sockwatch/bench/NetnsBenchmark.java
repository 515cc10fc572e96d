package io.sockwatch.bench;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SourceUnavailableException;
import io.sockwatch.kernel.netns.NetnsExecutor;
import io.sockwatch.kernel.netns.NetnsSources;
import io.sockwatch.kernel.netns.NetnsTarget;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.process.netns.NetnsInventory;
import io.sockwatch.process.netns.NetworkNamespace;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What reading many network namespaces costs: the inventory, then a netlink read of each of N
 * namespaces holding M loopback sockets apiece, against one read of this JVM's own namespace. The
 * sockets are opened by this JVM itself on the namespace thread (a socket belongs to the namespace
 * its creating thread is in), so no worker processes are needed; run it with {@code ulimit -n}
 * above N x M.
 */
final class NetnsBenchmark {

  private final int rounds;

  NetnsBenchmark(int rounds) {
    this.rounds = rounds;
  }

  void run(int namespaces, int socketsPerNamespace) throws Exception {
    List<TestNetns> made = new ArrayList<>();
    List<AutoCloseable> sockets = new ArrayList<>();
    try (NetnsExecutor executor = new NetnsExecutor()) {
      for (int i = 0; i < namespaces; i++) {
        made.add(TestNetns.create("bench"));
      }
      NetnsInventory inventory = NetnsInventory.read(Path.of("/"));
      List<NetnsSources> sources = new ArrayList<>();
      for (TestNetns ns : made) {
        NetworkNamespace n = inventory.byName(ns.name()).orElseThrow();
        NetnsTarget target = new NetnsTarget(n.label(), n.inode(), n.wayIn(), n.procNetDirectory());
        sources.add(new NetnsSources(executor, target));
        int pairs = socketsPerNamespace / 6;
        sockets.addAll(
            executor.callIn(target, () -> openPairs(pairs, socketsPerNamespace - 2 * pairs)));
      }
      System.out.printf(
          Locale.ROOT,
          "%d namespaces x %d sockets (plus one listener each)%n",
          namespaces,
          socketsPerNamespace);
      Timed inventoryTime = new Timed("inventory (all pids + /run/netns)", rounds);
      Timed enterTime = new Timed("enter and leave each namespace, no read", rounds);
      Timed readTime = new Timed("netlink read of every namespace", rounds);
      Timed nodeTime = new Timed("counters + sysctls of every namespace", rounds);
      Timed hostTime = new Timed("netlink read of this JVM's own namespace", rounds);
      NetlinkSockDiagSource host = new NetlinkSockDiagSource();
      int hostSockets = 0;
      int inventoried = 0;
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        inventoried = NetnsInventory.read(Path.of("/")).namespaces().size();
        long t1 = System.nanoTime();
        for (NetnsSources s : sources) {
          executor.callIn(s.target(), () -> null);
        }
        long t2 = System.nanoTime();
        long read = 0;
        for (NetnsSources s : sources) {
          read += s.netlink().read(ScanRequest.all()).sockets().size();
        }
        long t3 = System.nanoTime();
        for (NetnsSources s : sources) {
          s.readNode();
        }
        long t4 = System.nanoTime();
        hostSockets = host.read(ScanRequest.all()).sockets().size();
        long t5 = System.nanoTime();
        inventoryTime.add((t1 - t0) / 1e9);
        enterTime.add((t2 - t1) / 1e9);
        readTime.add((t3 - t2) / 1e9);
        nodeTime.add((t4 - t3) / 1e9);
        hostTime.add((t5 - t4) / 1e9);
        System.out.printf(
            Locale.ROOT, "round %d: %d sockets read in all namespaces%n", r + 1, read);
      }
      System.out.printf(
          Locale.ROOT,
          "inventory found %d namespaces; own namespace holds %d sockets%n",
          inventoried,
          hostSockets);
      for (Timed t : List.of(inventoryTime, enterTime, readTime, nodeTime, hostTime)) {
        System.out.printf(
            Locale.ROOT,
            "%-45s median %8.1f ms (min %.1f, max %.1f)%n",
            t.name,
            t.median() * 1e3,
            t.min() * 1e3,
            t.max() * 1e3);
      }
    } finally {
      for (AutoCloseable c : sockets) {
        c.close();
      }
      for (TestNetns ns : made) {
        ns.close();
      }
    }
  }

  /**
   * A listener on 127.0.0.1, {@code pairs} connected pairs held open and {@code timeWait}
   * connections closed client-first, in the calling thread's namespace.
   */
  private static List<AutoCloseable> openPairs(int pairs, int timeWait)
      throws SourceUnavailableException {
    List<AutoCloseable> open = new ArrayList<>(2 * pairs + 1);
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      open.add(listener);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), pairs + 1);
      for (int i = 0; i < pairs; i++) {
        open.add(SocketChannel.open(listener.getLocalAddress()));
        open.add(listener.accept());
      }
      for (int i = 0; i < timeWait; i++) {
        try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            SocketChannel server = listener.accept()) {
          client.close(); // the active closer keeps TIME_WAIT
          server.read(ByteBuffer.allocate(1)); // its FIN
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return open;
  }
}
