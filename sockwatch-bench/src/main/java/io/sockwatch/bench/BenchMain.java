package io.sockwatch.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark entry point (not a test): {@code scan [SIZES]}, {@code attribution [SIZE]} and {@code
 * agent [SIZES]}, {@code netns [NAMESPACES] [SOCKETS_EACH]}, {@code events} (the connection
 * tracer's cost); see scripts/bench.sh, which builds everything, makes a network namespace and runs
 * this inside it (the agent benchmark makes a namespace per run itself).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String launcher = System.getProperty("sockwatch.launcher", "./sockwatch");
    int rounds = Integer.getInteger("bench.rounds", 5);
    if (args.length == 0) {
      System.err.println(
          "usage: BenchMain scan [10k,100k] | attribution [1m] | agent [10k,100k]"
              + " | netns [NAMESPACES] [SOCKETS_EACH] | events");
      System.exit(2);
    }
    System.out.printf(
        Locale.ROOT,
        "sockwatch benchmark, %d rounds per contender, medians; %d CPUs%n",
        rounds,
        Runtime.getRuntime().availableProcessors());
    switch (args[0]) {
      case "scan" -> {
        for (int size : ScanBenchmark.parseSizes(args.length > 1 ? args[1] : "10k,100k")) {
          new ScanBenchmark(launcher, rounds).run(size);
        }
      }
      case "attribution" -> {
        for (int size : ScanBenchmark.parseSizes(args.length > 1 ? args[1] : "1m")) {
          new AttributionBenchmark(launcher, Math.max(1, Math.min(rounds, 3))).run(size);
        }
      }
      case "agent" -> {
        AgentBenchmark agent =
            new AgentBenchmark(
                launcher,
                Double.parseDouble(System.getProperty("bench.window", "120")),
                Double.parseDouble(System.getProperty("bench.warmup", "60")),
                List.of(System.getProperty("bench.budgets", "5%,100%").split(",")),
                System.getProperty("bench.agentJavaOptions", ""));
        for (int size : ScanBenchmark.parseSizes(args.length > 1 ? args[1] : "10k,100k")) {
          agent.run(size);
        }
        agent.summarize();
      }
      case "events" -> {
        int clients = Integer.getInteger("bench.clients", 2);
        int seconds = Integer.getInteger("bench.roundSeconds", 5);
        int status = new EventsBenchmark(rounds, Duration.ofSeconds(seconds), clients).run();
        if (status != 0) {
          System.exit(status);
        }
      }
      case "netns" -> {
        int namespaces = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int sockets = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        new NetnsBenchmark(rounds, launcher).run(namespaces, sockets);
      }
      default -> {
        System.err.println("unknown benchmark: " + args[0]);
        System.exit(2);
      }
    }
  }
}
