package io.sockwatch.model.finding;

import java.util.List;

/**
 * Who or what a finding is about. Empty strings and lists mean "not applicable".
 *
 * @param processes processes involved, as {@code comm(pid)}
 * @param destination remote endpoint or endpoint set ({@code 10.0.0.7:443}), or empty
 * @param local local endpoint ({@code 0.0.0.0:8080} for a listener), or empty
 * @param scope what else narrows it ("node", "network namespace 4026531840"), or empty
 * @param placement the network namespace and containers, when several namespaces were read
 */
public record Subject(
    List<String> processes, String destination, String local, String scope, Placement placement) {

  public static final Subject NODE = new Subject(List.of(), "", "", "node");

  public Subject {
    processes = List.copyOf(processes);
  }

  /** A subject not (yet) placed in a namespace: what detectors, which see one, create. */
  public Subject(List<String> processes, String destination, String local, String scope) {
    this(processes, destination, local, scope, Placement.NONE);
  }

  public Subject withPlacement(Placement p) {
    return new Subject(processes, destination, local, scope, p);
  }

  /** One line for people: "java(123) -> 10.0.0.7:443". */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (!processes.isEmpty()) {
      sb.append(String.join(", ", processes));
    }
    if (!local.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ").append("on ").append(local);
    }
    if (!destination.isEmpty()) {
      sb.append(sb.isEmpty() ? "" : " ").append("-> ").append(destination);
    }
    if (sb.isEmpty()) {
      sb.append(scope.isEmpty() ? "node" : scope);
    }
    if (!placement.isNone()) {
      sb.append(" [").append(placement.describe()).append("]");
    }
    return sb.toString();
  }
}
