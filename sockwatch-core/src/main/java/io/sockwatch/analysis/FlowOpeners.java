package io.sockwatch.analysis;

import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes the kernel's connection events saw opening connections to each destination: who
 * made a destination's TIME_WAIT or churn, although TIME_WAIT has no owner and the connections
 * closed before any scan could see them open. Built once per input, looked up per destination.
 */
public final class FlowOpeners {

  /**
   * One process's connections to one destination in the window.
   *
   * @param process {@code comm(pid)}
   * @param connects its connects to the destination
   * @param connectsPerSecond those per second of the window
   */
  public record Opener(String process, long connects, double connectsPerSecond) {}

  private static final FlowOpeners NONE = new FlowOpeners(Map.of());

  private final Map<String, List<Opener>> byDestination;

  private FlowOpeners(Map<String, List<Opener>> byDestination) {
    this.byDestination = byDestination;
  }

  /** The openers of every destination ({@code addr:port}) in the events; none without events. */
  public static FlowOpeners of(Optional<ConnectionActivity> activity) {
    if (activity.isEmpty() || activity.get().flows().isEmpty()) {
      return NONE;
    }
    ConnectionActivity a = activity.get();
    Map<String, Map<String, Long>> counts = new HashMap<>();
    for (ConnectionFlow f : a.flows()) {
      if (f.connects() == 0) {
        continue;
      }
      String destination = PortSpace.endpoint(PortSpace.unmapped(f.destination()), f.port());
      counts
          .computeIfAbsent(destination, k -> new LinkedHashMap<>())
          .merge(f.processLabel(), f.connects(), Long::sum);
    }
    Map<String, List<Opener>> out = new HashMap<>();
    counts.forEach(
        (destination, byProcess) -> {
          List<Opener> list = new ArrayList<>(byProcess.size());
          byProcess.forEach(
              (p, c) -> list.add(new Opener(p, c, a.seconds() > 0 ? c / a.seconds() : 0)));
          list.sort(
              (x, y) ->
                  x.connects() != y.connects()
                      ? Long.compare(y.connects(), x.connects())
                      : x.process().compareTo(y.process()));
          out.put(destination, List.copyOf(list));
        });
    return new FlowOpeners(out);
  }

  /** The openers of {@code destination} ({@code addr:port}), most connects first. */
  public List<Opener> openers(String destination) {
    return byDestination.getOrDefault(destination, List.of());
  }

  /** Their labels, most connects first. */
  public List<String> names(String destination) {
    return openers(destination).stream().map(Opener::process).toList();
  }
}
