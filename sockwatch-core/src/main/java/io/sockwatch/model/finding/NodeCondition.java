package io.sockwatch.model.finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node conditions sockwatch owns: each gathers the detectors whose findings mean the node's TCP
 * stack is under that kind of pressure, and the least severity that counts. Kubernetes node
 * conditions, node-problem-detector's checks ({@code doctor --check TYPE}) and alert rules all use
 * these groups, so that one finding says the same thing wherever it is read. The types are
 * contracts: never renamed.
 */
public enum NodeCondition {
  /** TCP memory against {@code tcp_mem}, orphans against {@code tcp_max_orphans}. */
  TCP_MEMORY_PRESSURE(
      "TCPMemoryPressure",
      "TCP memory or orphaned sockets near the kernel's limit",
      "TCPMemoryNearLimit",
      "TCPMemoryWithinLimits",
      new Rule("tcp-memory", Severity.WARNING),
      new Rule("orphans", Severity.WARNING),
      new Rule("node-leak", Severity.CRITICAL)),
  /** Local ports toward a destination running out. */
  EPHEMERAL_PORT_PRESSURE(
      "EphemeralPortPressure",
      "local ports toward a destination running out",
      "EphemeralPortsRunningOut",
      "EphemeralPortsAvailable",
      new Rule("ephemeral-ports", Severity.WARNING),
      new Rule("connection-churn", Severity.CRITICAL),
      new Rule("herd", Severity.CRITICAL)),
  /** Sustained CLOSE_WAIT or socket growth in a process. */
  SOCKET_LEAK(
      "SocketLeak",
      "a process not closing its sockets",
      "SocketLeakDetected",
      "NoSocketLeak",
      new Rule("close-wait", Severity.WARNING),
      new Rule("socket-leak", Severity.WARNING)),
  /** The connection-tracking table filling. */
  CONNTRACK_PRESSURE(
      "ConntrackPressure",
      "the connection-tracking table filling",
      "ConntrackTableFilling",
      "ConntrackTableHasRoom",
      new Rule("conntrack", Severity.WARNING));

  /**
   * A detector whose findings set the condition once they are at least {@code atLeast} severe.
   *
   * @param detector the detector's id
   * @param atLeast the least severity that counts (CRITICAL is more severe than WARNING)
   */
  public record Rule(String detector, Severity atLeast) {}

  private final String type;
  private final String meaning;
  private final String reasonTrue;
  private final String reasonFalse;
  private final List<Rule> rules;

  NodeCondition(String type, String meaning, String reasonTrue, String reasonFalse, Rule... rules) {
    this.type = type;
    this.meaning = meaning;
    this.reasonTrue = reasonTrue;
    this.reasonFalse = reasonFalse;
    this.rules = List.of(rules);
  }

  /**
   * The CamelCase reason for a status, the same wherever the condition is written (the Kubernetes
   * reporter, node-problem-detector's monitor); automation may match on it.
   */
  public String reason(boolean status) {
    return status ? reasonTrue : reasonFalse;
  }

  /** The condition type as Kubernetes shows it, e.g. {@code TCPMemoryPressure}. */
  public String type() {
    return type;
  }

  /** What a {@code True} status means, in a few plain words. */
  public String meaning() {
    return meaning;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The detectors this condition gathers. */
  public List<String> detectors() {
    return rules.stream().map(Rule::detector).toList();
  }

  /** Whether {@code f} sets this condition. */
  public boolean setBy(Finding f) {
    for (Rule r : rules) {
      if (r.detector().equals(f.detector()) && f.severity().compareTo(r.atLeast()) <= 0) {
        return true;
      }
    }
    return false;
  }

  /** The findings among {@code findings} that set this condition, in their order. */
  public List<Finding> select(List<Finding> findings) {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (setBy(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /** The condition with this Kubernetes type, e.g. {@code SocketLeak}. */
  public static Optional<NodeCondition> ofType(String type) {
    for (NodeCondition c : values()) {
      if (c.type.equals(type)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
