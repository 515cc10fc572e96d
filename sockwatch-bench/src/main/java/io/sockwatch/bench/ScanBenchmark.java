package io.sockwatch.bench;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.testkit.SocketPopulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whole-process scan benchmark: for each population size, times {@code ss -tan}, {@code ss -tani},
 * the cold {@code sockwatch snapshot} CLI (with and without process attribution) and a warm
 * in-process netlink scan (with and without tcp_info), interleaved round by round so that machine
 * noise hits every contender alike, and prints sockets/s and ratios to {@code ss}.
 *
 * <p>Run it inside a network namespace of its own (scripts/bench.sh does) so that the table holds
 * the population and little else.
 */
final class ScanBenchmark {

  private final String launcher;
  private final int rounds;

  ScanBenchmark(String launcher, int rounds) {
    this.launcher = launcher;
    this.rounds = rounds;
  }

  void run(int size) throws Exception {
    int pairs = size * 2 / 5;
    int timeWait = size / 10;
    int closeWait = size / 20;
    long t0 = System.nanoTime();
    try (SocketPopulation pop =
        SocketPopulation.builder()
            .listenBase("127.88")
            .established(pairs)
            .timeWait(timeWait)
            .closeWait(closeWait)
            .start()) {
      double build = (System.nanoTime() - t0) / 1e9;
      NetlinkSockDiagSource netlink = new NetlinkSockDiagSource();
      int sockets = netlink.read(ScanRequest.all()).sockets().size();
      System.out.printf(
          Locale.ROOT,
          "%n== %,d sockets in the table (population: %,d ESTAB pairs, %,d TIME-WAIT, %,d"
              + " CLOSE-WAIT pairs; built in %.1f s, %d workers)%n",
          sockets,
          pairs,
          timeWait,
          closeWait,
          build,
          pop.workerPids().size());
      Timed ssTan = new Timed("ss -tan", rounds);
      Timed ssTani = new Timed("ss -tani", rounds);
      Timed cliBare = new Timed("sockwatch snapshot --no-processes (cold process)", rounds);
      Timed cliFull = new Timed("sockwatch snapshot (cold process, with attribution)", rounds);
      Timed warm = new Timed("warm in-process netlink scan", rounds);
      Timed warmInfo = new Timed("warm in-process netlink scan with tcp_info+skmem", rounds);
      for (int i = 0; i < 3; i++) { // JIT warm-up for the in-process contenders
        netlink.read(ScanRequest.all());
        netlink.read(ScanRequest.allWithDetails());
      }
      for (int r = 0; r < rounds; r++) {
        ssTan.add(Commands.time(List.of("ss", "-tan")));
        ssTani.add(Commands.time(List.of("ss", "-tani")));
        cliBare.add(Commands.time(List.of(launcher, "snapshot", "--no-processes")));
        cliFull.add(Commands.time(List.of(launcher, "snapshot")));
        warm.add(timeScan(netlink, ScanRequest.all()));
        warmInfo.add(timeScan(netlink, ScanRequest.allWithDetails()));
      }
      System.out.printf(
          Locale.ROOT,
          "%-55s %9s %9s %9s %12s  %s%n",
          "contender",
          "median s",
          "min s",
          "max s",
          "sockets/s",
          "speed vs ss");
      print(ssTan, sockets, null);
      print(ssTani, sockets, null);
      print(cliBare, sockets, ssTan);
      print(cliFull, sockets, ssTan);
      print(warm, sockets, ssTan);
      print(warmInfo, sockets, ssTani);
      double infoRatio = ssTani.median() / warmInfo.median();
      double coldRatio = cliBare.median() / ssTan.median();
      System.out.printf(
          Locale.ROOT,
          "targets: warm scan with tcp_info >= 1.5x the sockets/s of ss -tani: %.2fx %s; cold CLI"
              + " within 2x of ss -tan's time at 100k: %.2fx %s%n",
          infoRatio,
          infoRatio >= 1.5 ? "MET" : "NOT MET",
          coldRatio,
          size < 100_000 ? "(target set at 100k)" : coldRatio <= 2 ? "MET" : "NOT MET");
    }
  }

  private static double timeScan(NetlinkSockDiagSource source, ScanRequest request)
      throws SourceUnavailableException {
    long t0 = System.nanoTime();
    source.read(request);
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void print(Timed t, int sockets, Timed baseline) {
    String ratio =
        baseline == null
            ? "(baseline)"
            : String.format(Locale.ROOT, "%.2fx %s", baseline.median() / t.median(), baseline.name);
    System.out.printf(
        Locale.ROOT,
        "%-55s %9.3f %9.3f %9.3f %,12.0f  %s%n",
        t.name,
        t.median(),
        t.min(),
        t.max(),
        sockets / t.median(),
        ratio);
  }

  static List<Integer> parseSizes(String text) {
    List<Integer> out = new ArrayList<>();
    for (String s : text.split(",")) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      int mult = 1;
      if (t.endsWith("k")) {
        mult = 1000;
        t = t.substring(0, t.length() - 1);
      } else if (t.endsWith("m")) {
        mult = 1_000_000;
        t = t.substring(0, t.length() - 1);
      }
      out.add(Integer.parseInt(t) * mult);
    }
    return out;
  }
}
