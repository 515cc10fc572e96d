package io.sockwatch.model.events;

import io.sockwatch.model.NodeStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the kernel's connection events showed over one window: every connection a process opened and
 * every connection a listener accepted, counted as they happened, so a connection that opened and
 * closed between two scans still has its process. Absent (not empty) when the events could not be
 * had; the reason is then among the scan's unavailable items.
 *
 * @param seconds the window's length
 * @param flows outbound connections per (process, destination), most connects first; at most the
 *     tracer's cap, the rest counted in {@code droppedFlows}
 * @param listeners inbound connections per listening port
 * @param connects outbound connections that ended (or failed) in the window (all flows, capped or
 *     not)
 * @param accepts inbound connections that ended in the window
 * @param kernelActiveOpens the node's {@code TcpActiveOpens} growth over the same window, to judge
 *     coverage (connects / active opens), when both ends of the window were read
 * @param kernelPassiveOpens the node's {@code TcpPassiveOpens} growth over the window, likewise
 * @param droppedFlows flows (or events) lost to the tracer's bounds in the window
 */
public record ConnectionActivity(
    double seconds,
    List<ConnectionFlow> flows,
    List<ListenerActivity> listeners,
    long connects,
    long accepts,
    OptionalLong kernelActiveOpens,
    OptionalLong kernelPassiveOpens,
    long droppedFlows) {

  public ConnectionActivity {
    flows = List.copyOf(flows);
    listeners = List.copyOf(listeners);
  }

  /** This window with the kernel's own open counts over the same time, for the coverage. */
  public ConnectionActivity withKernelOpens(OptionalLong active, OptionalLong passive) {
    return new ConnectionActivity(
        seconds, flows, listeners, connects, accepts, active, passive, droppedFlows);
  }

  /**
   * This window with the kernel's active and passive open counts between two reads of the node's
   * counters that bracket it; empty counts where either read lacks them.
   */
  public ConnectionActivity withKernelOpensBetween(
      Optional<NodeStats> before, Optional<NodeStats> after) {
    return withKernelOpens(
        delta(before, after, "ActiveOpens"), delta(before, after, "PassiveOpens"));
  }

  private static OptionalLong delta(
      Optional<NodeStats> before, Optional<NodeStats> after, String counter) {
    if (before.isEmpty() || after.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong a = before.get().snmp("Tcp", counter);
    OptionalLong b = after.get().snmp("Tcp", counter);
    return a.isPresent() && b.isPresent() && b.getAsLong() >= a.getAsLong()
        ? OptionalLong.of(b.getAsLong() - a.getAsLong())
        : OptionalLong.empty();
  }

  /**
   * Connects seen as events per active open the kernel counted in the window, when it counted any:
   * 1.0 means every connection was seen. Above 1 when the counters cover fewer namespaces than the
   * events (the events see every namespace of the node).
   */
  public OptionalDouble coverage() {
    return kernelActiveOpens.isPresent() && kernelActiveOpens.getAsLong() > 0
        ? OptionalDouble.of((double) connects / kernelActiveOpens.getAsLong())
        : OptionalDouble.empty();
  }

  /**
   * Consecutive windows as one: counts add up, first and last connect times span both, lifetimes
   * combine approximately (median weighted by closes, the largest 99th percentile), and the kernel
   * counts add up only when every window has them. Flows are keyed by process, container and
   * destination; at most {@code maxFlows} are kept (most connects first), the rest counted as
   * dropped.
   */
  public static ConnectionActivity merge(List<ConnectionActivity> windows, int maxFlows) {
    Map<List<Object>, List<ConnectionFlow>> byFlow = new LinkedHashMap<>();
    Map<Integer, List<ListenerActivity>> byPort = new LinkedHashMap<>();
    double seconds = 0;
    long connects = 0;
    long accepts = 0;
    long dropped = 0;
    OptionalLong active = windows.isEmpty() ? OptionalLong.empty() : OptionalLong.of(0);
    OptionalLong passive = active;
    for (ConnectionActivity w : windows) {
      seconds += w.seconds();
      connects += w.connects();
      accepts += w.accepts();
      dropped += w.droppedFlows();
      active = add(active, w.kernelActiveOpens());
      passive = add(passive, w.kernelPassiveOpens());
      for (ConnectionFlow f : w.flows()) {
        byFlow
            .computeIfAbsent(
                List.of(f.pid(), f.comm(), f.container(), f.destination(), f.port()),
                k -> new ArrayList<>())
            .add(f);
      }
      for (ListenerActivity l : w.listeners()) {
        byPort.computeIfAbsent(l.port(), k -> new ArrayList<>()).add(l);
      }
    }
    List<ConnectionFlow> flows = new ArrayList<>();
    for (List<ConnectionFlow> parts : byFlow.values()) {
      flows.add(mergeFlow(parts));
    }
    // Most connects first, then a fixed order, so that a cap keeps the same flows every time.
    flows.sort(
        Comparator.comparingLong(ConnectionFlow::connects)
            .reversed()
            .thenComparingInt(ConnectionFlow::pid)
            .thenComparing(ConnectionFlow::destination)
            .thenComparingInt(ConnectionFlow::port)
            .thenComparing(ConnectionFlow::comm)
            .thenComparing(ConnectionFlow::container));
    if (flows.size() > maxFlows) {
      dropped += flows.size() - maxFlows;
      flows = flows.subList(0, maxFlows);
    }
    List<ListenerActivity> listeners = new ArrayList<>();
    for (var e : byPort.entrySet()) {
      List<ListenerActivity> parts = e.getValue();
      listeners.add(
          new ListenerActivity(
              e.getKey(),
              parts.stream().mapToLong(ListenerActivity::accepts).sum(),
              parts.stream().mapToLong(ListenerActivity::closes).sum(),
              weighted(
                  parts.stream().map(ListenerActivity::lifetimeP50Seconds).toList(),
                  parts.stream().map(ListenerActivity::closes).toList()),
              largest(parts.stream().map(ListenerActivity::lifetimeP99Seconds).toList())));
    }
    listeners.sort(Comparator.comparingLong(ListenerActivity::accepts).reversed());
    return new ConnectionActivity(
        seconds, flows, listeners, connects, accepts, active, passive, dropped);
  }

  private static ConnectionFlow mergeFlow(List<ConnectionFlow> parts) {
    ConnectionFlow first = parts.get(0);
    long connects = 0;
    long established = 0;
    long refused = 0;
    long timedOut = 0;
    long other = 0;
    long closes = 0;
    long firstConnect = Long.MAX_VALUE;
    long lastConnect = Long.MIN_VALUE;
    for (ConnectionFlow f : parts) {
      connects += f.connects();
      established += f.established();
      refused += f.refused();
      timedOut += f.timedOut();
      other += f.otherFailures();
      closes += f.closes();
      if (f.connects() > 0) {
        firstConnect = Math.min(firstConnect, f.firstConnectNanos());
        lastConnect = Math.max(lastConnect, f.lastConnectNanos());
      }
    }
    boolean any = connects > 0;
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
        other,
        closes,
        weighted(
            parts.stream().map(ConnectionFlow::lifetimeP50Seconds).toList(),
            parts.stream().map(ConnectionFlow::closes).toList()),
        largest(parts.stream().map(ConnectionFlow::lifetimeP99Seconds).toList()),
        any ? firstConnect : 0,
        any ? lastConnect : 0);
  }

  private static OptionalLong add(OptionalLong sum, OptionalLong part) {
    return sum.isPresent() && part.isPresent()
        ? OptionalLong.of(sum.getAsLong() + part.getAsLong())
        : OptionalLong.empty();
  }

  private static OptionalDouble weighted(List<OptionalDouble> values, List<Long> weights) {
    double sum = 0;
    double weight = 0;
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isPresent()) {
        double w = Math.max(1, weights.get(i));
        sum += values.get(i).getAsDouble() * w;
        weight += w;
      }
    }
    return weight == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / weight);
  }

  private static OptionalDouble largest(List<OptionalDouble> values) {
    return values.stream()
        .filter(OptionalDouble::isPresent)
        .mapToDouble(OptionalDouble::getAsDouble)
        .max();
  }
}
