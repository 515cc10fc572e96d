package io.sockwatch.analysis;

import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds thundering herds in the kernel's connection events: on one service port, several (source,
 * destination) pairs each opening fresh, short-lived connections at a steady rate. Pure: flows in,
 * herds out; doctor's {@code herd} detector and serve (through the same detector, fed a longer
 * window) both group with this, so they agree on who and how many.
 *
 * <p>The rules, each with its reason:
 *
 * <ul>
 *   <li>A <em>source</em> is a container when the flow has one (the processes of one container are
 *       one client: a shell loop that starts a new {@code curl} per probe has a new pid every time)
 *       and otherwise a process (pid). A <em>pair</em> is a source and one destination address on
 *       the port.
 *   <li>A pair takes part when its connections are short-lived: at least half of the attempts it
 *       made in the window also ended in it (closed, refused, timed out). A pooled client's
 *       occasional new connection lives on and is not a herd.
 *   <li>Per-pair interval: {@link ConnectionFlow#intervalSeconds()} of the pair's flows merged,
 *       i.e. the mean time between its connects from their own times; empty with one connect.
 *   <li>A pair's rate is {@code 1 / interval} while it still polls (its last connect is within two
 *       intervals, plus a second, of the window's latest connect), else its connects over the
 *       window: a pair that stopped must not count at its old rate. A process's or container's rate
 *       is the sum over its pairs; the herd's is the sum over its sources.
 *   <li>A port has a herd when it has at least {@link Settings#minPairs()} taking part (default 2:
 *       one process polling one destination stays the per-destination findings' business) and their
 *       rate adds up to at least {@link Settings#minConnectsPerSecond()}.
 * </ul>
 */
public final class HerdGrouping {

  private HerdGrouping() {}

  /**
   * @param minPairs pairs on one port that make a herd
   * @param minConnectsPerSecond their combined rate that makes a herd
   */
  public record Settings(int minPairs, double minConnectsPerSecond) {}

  /**
   * A process, or a container, of a herd.
   *
   * @param label {@code comm(pid)} for a process, the container's label for a container
   * @param container the process's container, empty when none (for a container, itself)
   * @param connectsPerSecond its new connections per second on the port
   * @param connects its connects in the window
   * @param destinations destinations it opened connections to on the port
   */
  public record Member(
      String label, String container, double connectsPerSecond, long connects, int destinations) {}

  /**
   * One herd: every source that polls destinations on one port.
   *
   * @param port the service port
   * @param processes the processes, busiest first
   * @param containers the containers among the sources, busiest first; empty when no flow has one
   * @param sources the number of sources (containers, and processes outside containers)
   * @param destinations the destinations ({@code addr:port}), sorted
   * @param pairs (source, destination) pairs taking part
   * @param fewestDestinations the fewest destinations one source polls
   * @param mostDestinations the most destinations one source polls
   * @param intervalMedianSeconds median per-pair interval, empty when no pair had two connects
   * @param intervalMinSeconds the shortest per-pair interval
   * @param intervalMaxSeconds the longest per-pair interval
   * @param connectsPerSecond the herd's new connections per second
   * @param connects connects in the window
   * @param refused connects answered with a reset
   * @param timedOut connects that got no answer
   * @param otherFailures connects that failed otherwise
   * @param lifetimeP50Seconds median of the pairs' median lifetimes
   * @param lifetimeP99Seconds the largest of the pairs' 99th percentile lifetimes
   * @param windowSeconds the window the flows cover
   * @param droppedFlows flows the tracer (or the merge) dropped in the window, which may belong
   *     here
   */
  public record Herd(
      int port,
      List<Member> processes,
      List<Member> containers,
      int sources,
      List<String> destinations,
      int pairs,
      int fewestDestinations,
      int mostDestinations,
      OptionalDouble intervalMedianSeconds,
      OptionalDouble intervalMinSeconds,
      OptionalDouble intervalMaxSeconds,
      double connectsPerSecond,
      long connects,
      long refused,
      long timedOut,
      long otherFailures,
      OptionalDouble lifetimeP50Seconds,
      OptionalDouble lifetimeP99Seconds,
      double windowSeconds,
      long droppedFlows) {

    public Herd {
      processes = List.copyOf(processes);
      containers = List.copyOf(containers);
      destinations = List.copyOf(destinations);
    }

    /** The process labels, {@code comm(pid)}, busiest first. */
    public List<String> processLabels() {
      return processes.stream().map(Member::label).toList();
    }
  }

  /** Flows of one pair (or one process to one destination) summed. */
  private static final class Acc {
    long connects;
    long ended;
    long firstNanos = Long.MAX_VALUE;
    long lastNanos = Long.MIN_VALUE;

    void add(ConnectionFlow f) {
      connects += f.connects();
      ended += f.closes() + f.refused() + f.timedOut() + f.otherFailures();
      firstNanos = Math.min(firstNanos, f.firstConnectNanos());
      lastNanos = Math.max(lastNanos, f.lastConnectNanos());
    }

    OptionalDouble interval() {
      return connects < 2
          ? OptionalDouble.empty()
          : OptionalDouble.of((lastNanos - firstNanos) / 1e9 / (connects - 1));
    }

    /** New connections per second: 1 / interval while it still polls, else over the window. */
    double rate(long latestNanos, double windowSeconds) {
      OptionalDouble i = interval();
      if (i.isPresent() && i.getAsDouble() > 0) {
        double sinceLast = (latestNanos - lastNanos) / 1e9;
        if (sinceLast <= 2 * i.getAsDouble() + 1) {
          return 1 / i.getAsDouble();
        }
      }
      return windowSeconds > 0 ? connects / windowSeconds : 0;
    }
  }

  /** Whether a flow's connections are short-lived: half its attempts ended in the window. */
  static boolean shortLived(ConnectionFlow f) {
    long ended = f.closes() + f.refused() + f.timedOut() + f.otherFailures();
    return f.connects() > 0 && 2 * Math.min(ended, f.connects()) >= f.connects();
  }

  /** The herds in {@code activity}, one per port at most, busiest first. */
  public static List<Herd> herds(ConnectionActivity activity, Settings settings) {
    Map<Integer, List<ConnectionFlow>> byPort = new TreeMap<>();
    long latest = Long.MIN_VALUE;
    for (ConnectionFlow f : activity.flows()) {
      if (f.connects() > 0) {
        latest = Math.max(latest, f.lastConnectNanos());
      }
      if (shortLived(f)) {
        byPort.computeIfAbsent(f.port(), k -> new ArrayList<>()).add(f);
      }
    }
    List<Herd> out = new ArrayList<>();
    for (Map.Entry<Integer, List<ConnectionFlow>> e : byPort.entrySet()) {
      Herd h = herd(e.getKey(), e.getValue(), latest, activity, settings);
      if (h != null) {
        out.add(h);
      }
    }
    out.sort(Comparator.comparingDouble(Herd::connectsPerSecond).reversed());
    return out;
  }

  private static String source(ConnectionFlow f) {
    return f.container().isEmpty() ? f.processLabel() : "container " + f.container();
  }

  private static Herd herd(
      int port,
      List<ConnectionFlow> flows,
      long latest,
      ConnectionActivity activity,
      Settings settings) {
    double window = activity.seconds();
    // source -> destination -> the pair's flows summed
    Map<String, Map<String, Acc>> pairs = new TreeMap<>();
    // process label -> destination -> its flows summed
    Map<String, Map<String, Acc>> perProcess = new TreeMap<>();
    Map<String, String> containerOf = new LinkedHashMap<>();
    TreeSet<String> destinations = new TreeSet<>();
    long connects = 0;
    long refused = 0;
    long timedOut = 0;
    long otherFailures = 0;
    List<Double> p50s = new ArrayList<>();
    double p99 = Double.NaN;
    for (ConnectionFlow f : flows) {
      String destination = PortSpace.endpoint(PortSpace.unmapped(f.destination()), f.port());
      destinations.add(destination);
      pairs
          .computeIfAbsent(source(f), k -> new TreeMap<>())
          .computeIfAbsent(destination, k -> new Acc())
          .add(f);
      perProcess
          .computeIfAbsent(f.processLabel(), k -> new TreeMap<>())
          .computeIfAbsent(destination, k -> new Acc())
          .add(f);
      containerOf.putIfAbsent(f.processLabel(), f.container());
      connects += f.connects();
      refused += f.refused();
      timedOut += f.timedOut();
      otherFailures += f.otherFailures();
      f.lifetimeP50Seconds().ifPresent(p50s::add);
      if (f.lifetimeP99Seconds().isPresent()) {
        double v = f.lifetimeP99Seconds().getAsDouble();
        p99 = Double.isNaN(p99) ? v : Math.max(p99, v);
      }
    }
    int pairCount = pairs.values().stream().mapToInt(Map::size).sum();
    if (pairCount < settings.minPairs()) {
      return null;
    }
    List<Double> intervals = new ArrayList<>();
    double total = 0;
    int fewest = Integer.MAX_VALUE;
    int most = 0;
    List<Member> containers = new ArrayList<>();
    for (Map.Entry<String, Map<String, Acc>> s : pairs.entrySet()) {
      double rate = 0;
      long sourceConnects = 0;
      for (Acc a : s.getValue().values()) {
        a.interval().ifPresent(intervals::add);
        rate += a.rate(latest, window);
        sourceConnects += a.connects;
      }
      total += rate;
      fewest = Math.min(fewest, s.getValue().size());
      most = Math.max(most, s.getValue().size());
      if (s.getKey().startsWith("container ")) {
        String c = s.getKey().substring("container ".length());
        containers.add(new Member(c, c, rate, sourceConnects, s.getValue().size()));
      }
    }
    if (total < settings.minConnectsPerSecond()) {
      return null;
    }
    List<Member> processes = new ArrayList<>();
    for (Map.Entry<String, Map<String, Acc>> p : perProcess.entrySet()) {
      double rate = 0;
      long c = 0;
      for (Acc a : p.getValue().values()) {
        rate += a.rate(latest, window);
        c += a.connects;
      }
      processes.add(
          new Member(p.getKey(), containerOf.get(p.getKey()), rate, c, p.getValue().size()));
    }
    Comparator<Member> busiest =
        Comparator.comparingDouble(Member::connectsPerSecond)
            .reversed()
            .thenComparing(Member::label);
    processes.sort(busiest);
    containers.sort(busiest);
    double[] sorted = intervals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Herd(
        port,
        processes,
        containers,
        pairs.size(),
        List.copyOf(destinations),
        pairCount,
        fewest,
        most,
        median(sorted),
        sorted.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(sorted[0]),
        sorted.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(sorted[sorted.length - 1]),
        total,
        connects,
        refused,
        timedOut,
        otherFailures,
        median(p50s.stream().mapToDouble(Double::doubleValue).sorted().toArray()),
        Double.isNaN(p99) ? OptionalDouble.empty() : OptionalDouble.of(p99),
        window,
        activity.droppedFlows());
  }

  /** The median of sorted values; empty when there are none. */
  static OptionalDouble median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
  }
}
