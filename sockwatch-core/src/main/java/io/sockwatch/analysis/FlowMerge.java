package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.ListenerActivity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Merges consecutive windows of connection events into one, so that a flow seen once per one-second
 * window (a prober's one connect per second to each peer) has, over many windows, the several
 * connects whose own times give its interval. Counts add up; a flow's first connect is the earliest
 * of its windows' first connects and its last the latest, so {@link ConnectionFlow#intervalSeconds}
 * of the merged flow is the mean time between its connects over the whole span, wherever the
 * windows' edges fell.
 *
 * <p>Lifetimes cannot be merged exactly from percentiles: the merged median is the mean of the
 * windows' medians weighted by their closes, and the merged 99th percentile the largest of the
 * windows' (an upper bound). Bounded: at most {@code maxFlows} flows are kept, most connects first;
 * the rest are counted in {@link ConnectionActivity#droppedFlows()} with those the windows dropped.
 */
public final class FlowMerge {

  private FlowMerge() {}

  /** Identity of a flow across windows: the same process (pid and name) to the same service. */
  private record FlowKey(int pid, String comm, String container, IpAddress destination, int port) {
    static FlowKey of(ConnectionFlow f) {
      return new FlowKey(f.pid(), f.comm(), f.container(), f.destination(), f.port());
    }
  }

  /** One flow being summed. */
  private static final class Sum {
    final ConnectionFlow first;
    long connects;
    long established;
    long refused;
    long timedOut;
    long otherFailures;
    long closes;
    double p50Weighted;
    long p50Weight;
    double p99 = Double.NaN;
    long firstNanos = Long.MAX_VALUE;
    long lastNanos = Long.MIN_VALUE;

    Sum(ConnectionFlow first) {
      this.first = first;
    }

    void add(ConnectionFlow f) {
      connects += f.connects();
      established += f.established();
      refused += f.refused();
      timedOut += f.timedOut();
      otherFailures += f.otherFailures();
      closes += f.closes();
      if (f.lifetimeP50Seconds().isPresent()) {
        long w = Math.max(1, f.closes());
        p50Weighted += f.lifetimeP50Seconds().getAsDouble() * w;
        p50Weight += w;
      }
      if (f.lifetimeP99Seconds().isPresent()) {
        double v = f.lifetimeP99Seconds().getAsDouble();
        p99 = Double.isNaN(p99) ? v : Math.max(p99, v);
      }
      firstNanos = Math.min(firstNanos, f.firstConnectNanos());
      lastNanos = Math.max(lastNanos, f.lastConnectNanos());
    }

    ConnectionFlow flow() {
      return new ConnectionFlow(
          first.pid(),
          first.comm(),
          first.container(),
          first.destination(),
          first.port(),
          connects,
          established,
          refused,
          timedOut,
          otherFailures,
          closes,
          p50Weight == 0 ? OptionalDouble.empty() : OptionalDouble.of(p50Weighted / p50Weight),
          Double.isNaN(p99) ? OptionalDouble.empty() : OptionalDouble.of(p99),
          firstNanos,
          lastNanos);
    }
  }

  /** Most connects first, then by process and destination, so a cap keeps the same flows. */
  static final Comparator<ConnectionFlow> BUSIEST_FIRST =
      Comparator.comparingLong(ConnectionFlow::connects)
          .reversed()
          .thenComparingInt(ConnectionFlow::pid)
          .thenComparing(ConnectionFlow::destination)
          .thenComparingInt(ConnectionFlow::port);

  /**
   * The windows as one.
   *
   * @param windows consecutive windows, in any order
   * @param maxFlows the most flows kept
   * @throws IllegalArgumentException when there is no window
   */
  public static ConnectionActivity merge(List<ConnectionActivity> windows, int maxFlows) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no window to merge");
    }
    if (windows.size() == 1 && windows.getFirst().flows().size() <= maxFlows) {
      return windows.getFirst();
    }
    double seconds = 0;
    long connects = 0;
    long accepts = 0;
    long dropped = 0;
    long active = 0;
    long passive = 0;
    boolean activeKnown = true;
    boolean passiveKnown = true;
    Map<FlowKey, Sum> flows = new LinkedHashMap<>();
    Map<Integer, long[]> listenerCounts = new LinkedHashMap<>();
    Map<Integer, ListenerActivity> listenerLast = new LinkedHashMap<>();
    for (ConnectionActivity w : windows) {
      seconds += w.seconds();
      connects += w.connects();
      accepts += w.accepts();
      dropped += w.droppedFlows();
      activeKnown &= w.kernelActiveOpens().isPresent();
      passiveKnown &= w.kernelPassiveOpens().isPresent();
      active += w.kernelActiveOpens().orElse(0);
      passive += w.kernelPassiveOpens().orElse(0);
      for (ConnectionFlow f : w.flows()) {
        flows.computeIfAbsent(FlowKey.of(f), k -> new Sum(f)).add(f);
      }
      for (ListenerActivity l : w.listeners()) {
        long[] c = listenerCounts.computeIfAbsent(l.port(), k -> new long[2]);
        c[0] += l.accepts();
        c[1] += l.closes();
        if (l.lifetimeP50Seconds().isPresent()) {
          listenerLast.put(l.port(), l);
        }
      }
    }
    List<ConnectionFlow> merged = new ArrayList<>(flows.size());
    for (Sum s : flows.values()) {
      merged.add(s.flow());
    }
    merged.sort(BUSIEST_FIRST);
    if (merged.size() > maxFlows) {
      dropped += merged.size() - maxFlows;
      merged = merged.subList(0, maxFlows);
    }
    List<ListenerActivity> listeners = new ArrayList<>(listenerCounts.size());
    listenerCounts.forEach(
        (port, c) -> {
          ListenerActivity last = listenerLast.get(port);
          listeners.add(
              new ListenerActivity(
                  port,
                  c[0],
                  c[1],
                  last == null ? OptionalDouble.empty() : last.lifetimeP50Seconds(),
                  last == null ? OptionalDouble.empty() : last.lifetimeP99Seconds()));
        });
    return new ConnectionActivity(
        seconds,
        merged,
        listeners,
        connects,
        accepts,
        activeKnown ? OptionalLong.of(active) : OptionalLong.empty(),
        passiveKnown ? OptionalLong.of(passive) : OptionalLong.empty(),
        dropped);
  }
}
