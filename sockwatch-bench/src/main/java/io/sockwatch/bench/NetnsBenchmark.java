package io.sockwatch.bench;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.netns.NetnsExecutor;
import io.sockwatch.netns.NetnsInventory;
import io.sockwatch.netns.NetnsSources;
import io.sockwatch.netns.NetnsTarget;
import io.sockwatch.testkit.TestNetns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What reading many network namespaces costs: the inventory, then a netlink read of each of N
 * namespaces holding M loopback sockets apiece, against one read of this JVM's own namespace. The
 * sockets are held by a few {@link NetnsSocketHolder} processes. They are ESTABLISHED pairs, which
 * stay put for the whole run (TIME_WAIT would expire after 60 s), so every round and contender sees
 * the same population. Then {@link NodeScanComparison} times the whole scan as doctor and serve run
 * it, and the host-only path.
 */
final class NetnsBenchmark {

  private final int rounds;
  private final String launcher;

  NetnsBenchmark(int rounds, String launcher) {
    this.rounds = rounds;
    this.launcher = launcher;
  }

  void run(int namespaces, int socketsPerNamespace) throws Exception {
    List<TestNetns> made = new ArrayList<>();
    SocketHolders holders = null;
    try (NetnsExecutor executor = new NetnsExecutor()) {
      for (int i = 0; i < namespaces; i++) {
        made.add(TestNetns.create("bench"));
      }
      int pairs = socketsPerNamespace / 2;
      long start = System.nanoTime();
      holders = SocketHolders.start(made.stream().map(TestNetns::name).toList(), pairs);
      double built = (System.nanoTime() - start) / 1e9;
      NetnsInventory inventory = NetnsInventory.read(Path.of("/"));
      List<NetnsSources> sources = new ArrayList<>();
      Map<Long, Integer> expected = new LinkedHashMap<>();
      for (TestNetns ns : made) {
        NetworkNamespace n = inventory.byName(ns.name()).orElseThrow();
        NetnsTarget target = new NetnsTarget(n.label(), n.inode(), n.wayIn(), n.procNetDirectory());
        sources.add(new NetnsSources(executor, target));
        expected.put(n.inode(), 2 * pairs + 1);
      }
      System.out.printf(
          Locale.ROOT,
          "%d namespaces x %d ESTABLISHED sockets (plus one listener each), held by %d worker"
              + " processes (built in %.1f s)%n",
          namespaces,
          2 * pairs,
          holders.size(),
          built);
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
      new NodeScanComparison(rounds, launcher).run(expected);
    } finally {
      if (holders != null) {
        holders.close();
      }
      for (TestNetns ns : made) {
        ns.close();
      }
    }
  }
}
