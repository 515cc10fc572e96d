package io.sockwatch.bench;

import io.sockwatch.NodeReader;
import io.sockwatch.ReadSettings;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code doctor} and {@code serve} pay per scan with {@code --netns all} (inventory, every
 * namespace's table with tcp_info, counters, one attribution walk), and proof that the host-only
 * path did not get slower: {@code --netns host} and {@code self} against the plain pre-namespace
 * read of the own namespace, on the same node with the same namespaces present. The contenders are
 * interleaved round by round, after warm-up rounds, so machine noise hits each alike.
 */
final class NodeScanComparison {

  private static final int WARMUP_ROUNDS = 2;
  private static final SnapshotReader.Options FULL =
      new SnapshotReader.Options(SourceChoice.AUTO, true, true, true);

  private final int rounds;
  private final String launcher;

  NodeScanComparison(int rounds, String launcher) {
    this.rounds = rounds;
    this.launcher = launcher;
  }

  /**
   * Runs the comparison.
   *
   * @param expected socket count of each benchmark namespace by its inode; every one must be read
   *     with exactly that many sockets, or the benchmark fails
   */
  void run(Map<Long, Integer> expected) throws Exception {
    // The three choices through the front door, as the commands read; the baseline is the engine's
    // plain read of the own namespace, as before namespaces existed.
    try (NodeReader all = NodeReader.open(ReadSettings.live(NetnsChoice.ALL));
        NodeReader host = NodeReader.open(ReadSettings.live(NetnsChoice.HOST));
        NodeReader self = NodeReader.open(ReadSettings.live(NetnsChoice.SELF))) {
      compare(all, host, self, SnapshotReader.forRoot(Path.of("/")), expected);
    }
    wholeProcess();
  }

  private void compare(
      NodeReader all,
      NodeReader host,
      NodeReader self,
      SnapshotReader plain,
      Map<Long, Integer> expected)
      throws Exception {
    Timed allTime = new Timed("NodeReader --netns all (end to end)", rounds);
    Timed plainTime = new Timed("plain SnapshotReader of own namespace", rounds);
    Timed hostTime = new Timed("NodeReader --netns host", rounds);
    Timed selfTime = new Timed("NodeReader --netns self", rounds);
    List<Contender> contenders =
        List.of(
            new Contender(allTime, () -> all.scan(SocketFilter.ALL, NodeReader.Parts.ALL)),
            new Contender(plainTime, () -> NodeScan.single(plain.read(SocketFilter.ALL, FULL))),
            new Contender(hostTime, () -> host.scan(SocketFilter.ALL, NodeReader.Parts.ALL)),
            new Contender(selfTime, () -> self.scan(SocketFilter.ALL, NodeReader.Parts.ALL)));
    NodeScan[] last = new NodeScan[contenders.size()];
    for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
      for (int i = 0; i < contenders.size(); i++) {
        int c = Math.floorMod(r + i, contenders.size()); // who goes first rotates by round
        long t0 = System.nanoTime();
        last[c] = contenders.get(c).scan().read();
        if (r >= 0) {
          contenders.get(c).timed().add((System.nanoTime() - t0) / 1e9);
        }
      }
      check(last[0], expected);
    }
    NodeScan lastAll = last[0];
    int plainSockets = last[1].merged().sockets().size();
    NodeScan lastHost = last[2];
    int benchSockets = expected.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        Locale.ROOT,
        "%nend to end, %d timed rounds after %d warm-up rounds, interleaved (first place rotating),"
            + " medians (tcp_info, counters, attribution on)%n--netns all read %d namespaces, %,d"
            + " sockets (the %d benchmark namespaces exactly %,d, checked each round); own"
            + " namespace %,d sockets; --netns host took the short cut (no inventory): %b%n",
        rounds,
        WARMUP_ROUNDS,
        lastAll.namespaces().size(),
        lastAll.merged().sockets().size(),
        expected.size(),
        benchSockets,
        plainSockets,
        !lastHost.perNamespace());
    double base = plainTime.median();
    for (Timed t : List.of(allTime, plainTime, hostTime, selfTime)) {
      System.out.printf(
          Locale.ROOT,
          "%-50s median %8.1f ms (min %.1f, max %.1f)  %5.2fx plain%n",
          t.name,
          t.median() * 1e3,
          t.min() * 1e3,
          t.max() * 1e3,
          t.median() / base);
    }
    System.out.printf(
        Locale.ROOT,
        "--netns all costs %.1f ms per namespace over the plain read (%.1f us per socket)%n",
        (allTime.median() - base) * 1e3 / expected.size(),
        (allTime.median() - base) * 1e6 / benchSockets);
  }

  /** One way of scanning the node, timed. */
  private record Contender(Timed timed, Scan scan) {}

  @FunctionalInterface
  private interface Scan {
    NodeScan read() throws SourceUnavailableException;
  }

  /** Every benchmark namespace is in the scan with exactly its sockets. */
  private static void check(NodeScan scan, Map<Long, Integer> expected) {
    for (Map.Entry<Long, Integer> e : expected.entrySet()) {
      NamespaceSnapshot ns =
          scan.namespace(e.getKey())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "--netns all did not read benchmark namespace net:["
                              + e.getKey()
                              + "]; unavailable: "
                              + scan.unavailable()));
      int got = ns.snapshot().sockets().size();
      if (got != e.getValue()) {
        throw new IllegalStateException(
            "namespace " + ns.namespace().label() + ": read " + got + ", expected " + e.getValue());
      }
    }
  }

  /**
   * The same question asked of whole processes: {@code ss -tani} in the own namespace then in every
   * named one ({@code ip -all netns exec}, one ss per namespace, no attribution) against a cold
   * {@code sockwatch snapshot --netns all -o json} (JVM start, tcp_info and attribution included).
   */
  private void wholeProcess() throws Exception {
    List<String> ss =
        List.of("sh", "-c", "{ ss -tanHi; ip -all netns exec ss -tanHi; } >/dev/null 2>&1");
    List<String> cli = List.of(launcher, "snapshot", "--netns", "all", "-o", "json");
    Timed ssTime = new Timed("ss -tani in own + ip -all netns exec ss -tani", rounds);
    Timed cliTime = new Timed("sockwatch snapshot --netns all -o json (cold)", rounds);
    Commands.time(cli); // warms the page cache for the jar
    for (int r = 0; r < rounds; r++) {
      ssTime.add(Commands.time(ss));
      cliTime.add(Commands.time(cli));
    }
    System.out.printf(Locale.ROOT, "%nwhole processes, %d rounds, medians%n", rounds);
    for (Timed t : List.of(ssTime, cliTime)) {
      System.out.printf(
          Locale.ROOT,
          "%-50s median %8.1f ms (min %.1f, max %.1f)  %5.2fx ss%n",
          t.name,
          t.median() * 1e3,
          t.min() * 1e3,
          t.max() * 1e3,
          t.median() / ssTime.median());
    }
  }
}
