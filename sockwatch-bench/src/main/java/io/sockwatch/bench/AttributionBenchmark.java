package io.sockwatch.bench;

import io.sockwatch.model.SocketOwners;
import io.sockwatch.process.SocketOwnerScanner;
import io.sockwatch.testkit.SocketPopulation;
import java.util.List;
import java.util.Locale;

/**
 * Process attribution at scale: builds a population of about {@code size} sockets held by worker
 * processes (the per-process descriptor limit forces many), then times full scans of every
 * process's descriptors, in-process and through the cold CLI, next to {@code ss -tan} on the same
 * table. {@code ss -tanp} is not run at 1M: it did not finish in 210 s on this machine kind.
 */
final class AttributionBenchmark {

  private final String launcher;
  private final int rounds;

  AttributionBenchmark(String launcher, int rounds) {
    this.launcher = launcher;
    this.rounds = rounds;
  }

  void run(int size) throws Exception {
    int pairs = size * 9 / 20;
    int timeWait = size / 20;
    int closeWait = size / 40;
    long t0 = System.nanoTime();
    try (SocketPopulation pop =
        SocketPopulation.builder()
            .listenBase("127.89")
            .established(pairs)
            .timeWait(timeWait)
            .closeWait(closeWait)
            .start()) {
      double build = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "%n== attribution: population of %,d ESTAB pairs, %,d TIME-WAIT, %,d CLOSE-WAIT pairs in"
              + " %d worker processes (built in %.1f s)%n",
          pairs,
          timeWait,
          closeWait,
          pop.workerPids().size(),
          build);
      Timed inProcess = new Timed("in-process attribution scan (all processes)", rounds);
      Timed cli = new Timed("sockwatch snapshot --summary (cold, table + attribution)", rounds);
      Timed ss = new Timed("ss -tan (no attribution, reference)", rounds);
      SocketOwners last = SocketOwners.EMPTY;
      for (int r = 0; r < rounds; r++) {
        long s0 = System.nanoTime();
        last = new SocketOwnerScanner().scan();
        inProcess.add((System.nanoTime() - s0) / 1e9);
        cli.add(Commands.time(List.of(launcher, "snapshot", "--summary")));
        ss.add(Commands.time(List.of("ss", "-tan")));
      }
      System.out.printf(
          Locale.ROOT,
          "attributed %,d socket inodes to %,d processes (%,d descriptors walked)%n",
          last.socketCount(),
          last.processCount(),
          last.counts().descriptors());
      for (Timed t : List.of(inProcess, cli, ss)) {
        System.out.printf(
            Locale.ROOT,
            "%-60s median %.2f s (min %.2f, max %.2f)%n",
            t.name,
            t.median(),
            t.min(),
            t.max());
      }
      System.out.printf(
          Locale.ROOT,
          "target: full attribution of 1M sockets under 10 s: in-process median %.2f s %s%n",
          inProcess.median(),
          inProcess.median() < 10 ? "MET" : "NOT MET");
    }
  }
}
