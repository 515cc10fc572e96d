package io.sockwatch.analysis;

import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the per-destination findings of a herd into the herd's finding: one incident, one finding.
 * A {@code herd} finding on port P absorbs, in the same network namespace, the {@code time-wait}
 * findings to destinations on P (and on a local listening port P: the servers closed first), the
 * {@code ephemeral-ports} findings towards P, and, anywhere on the node, the {@code
 * connection-churn} findings to destinations on P (churn is judged on every namespace's sockets
 * together, so it has no namespace of its own). The herd finding says how many of each it absorbed
 * ({@code folded_findings}, one item per detector) and carries their numbers itself: TIME_WAIT held
 * on the port, connections per second, the busiest destination's blocked ports.
 *
 * <p>A post-step over the finding list, the one place doctor ({@link DetectorRun}, {@link
 * NamespaceDoctor}) and serve (after its trend detectors) both call, rather than a rule inside each
 * detector: the detectors stay independent and correct without events. Idempotent: folding a folded
 * list changes nothing. Without a herd finding the list is returned as it is.
 */
public final class HerdFolding {

  /** The detectors whose per-destination findings a herd absorbs. */
  static final Set<String> FOLDED = Set.of("time-wait", "connection-churn", "ephemeral-ports");

  private HerdFolding() {}

  /** The findings with those a herd covers folded into it; order otherwise kept. */
  public static List<Finding> fold(List<Finding> findings) {
    List<Finding> herds = new ArrayList<>();
    for (Finding f : findings) {
      if (f.detector().equals("herd")) {
        herds.add(f);
      }
    }
    if (herds.isEmpty()) {
      return findings;
    }
    Map<Finding, Map<String, Integer>> folded = new LinkedHashMap<>();
    List<Finding> kept = new ArrayList<>(findings.size());
    for (Finding f : findings) {
      Finding herd = FOLDED.contains(f.detector()) ? coveringHerd(herds, f) : null;
      if (herd == null) {
        kept.add(f);
      } else {
        folded
            .computeIfAbsent(herd, k -> new LinkedHashMap<>())
            .merge(f.detector(), 1, Integer::sum);
      }
    }
    if (folded.isEmpty()) {
      return findings;
    }
    List<Finding> out = new ArrayList<>(kept.size());
    for (Finding f : kept) {
      Map<String, Integer> absorbed = folded.get(f);
      out.add(absorbed == null ? f : withFolded(f, absorbed));
    }
    return out;
  }

  /** The herd finding that covers {@code f}, or null. */
  private static Finding coveringHerd(List<Finding> herds, Finding f) {
    int port = portOf(f.subject().destination());
    if (port < 0 && f.detector().equals("time-wait")) {
      port = portOf(f.subject().local()); // inbound: TIME_WAIT on a listening port
    }
    if (port < 0) {
      return null;
    }
    boolean anyNamespace = f.detector().equals("connection-churn");
    for (Finding h : herds) {
      if ((int) value(h, HerdDetector.Keys.PORT.key()) == port
          && (anyNamespace
              || h.subject().placement().netnsInode() == f.subject().placement().netnsInode())) {
        return h;
      }
    }
    return null;
  }

  private static Finding withFolded(Finding herd, Map<String, Integer> absorbed) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<Evidence> evidence = new ArrayList<>();
    String key = HerdDetector.Keys.FOLDED_FINDINGS.key();
    for (Evidence e : herd.evidence()) {
      if (e.key().equals(key)) {
        counts.merge(e.member(), (int) e.value(), Integer::sum);
      } else {
        evidence.add(e);
      }
    }
    absorbed.forEach((d, n) -> counts.merge(d, n, Integer::sum));
    counts.forEach(
        (d, n) -> evidence.add(new Evidence(key, d + " findings folded into this one", n, "", d)));
    return new Finding(
        herd.detector(),
        herd.key(),
        herd.severity(),
        herd.title(),
        herd.subject(),
        evidence,
        herd.headroom(),
        herd.remediation());
  }

  /** The port of an {@code addr:port} endpoint ({@code [v6]:port} too), or -1 when it has none. */
  static int portOf(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0 || colon == endpoint.length() - 1) {
      return -1;
    }
    String digits = endpoint.substring(colon + 1);
    if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Integer.parseInt(digits);
  }

  /** The value of a finding's evidence about the whole finding, NaN when it has none. */
  static double value(Finding f, String key) {
    for (Evidence e : f.evidence()) {
      if (e.key().equals(key) && e.member().isEmpty()) {
        return e.value();
      }
    }
    return Double.NaN;
  }
}
