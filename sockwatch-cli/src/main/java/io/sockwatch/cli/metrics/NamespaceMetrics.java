package io.sockwatch.cli.metrics;

import io.sockwatch.model.TcpState;
import io.sockwatch.model.watch.NamespaceTallies;
import io.sockwatch.model.watch.SeriesNames;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-network-namespace socket counts, when the agent reads several namespaces: at most {@value
 * NamespaceTallies#MAX_NAMED} namespaces by name (most sockets first) plus an {@code other} row, so
 * a node of hundreds of pods stays a bounded number of series. {@code sockwatch_sockets} stays the
 * node's total over every namespace read.
 */
final class NamespaceMetrics {

  private NamespaceMetrics() {}

  static void add(Families out, NamespaceTallies tallies) {
    if (tallies.top().isEmpty()) {
      return;
    }
    out.gauge(
        "sockwatch_netns_read",
        "Network namespaces whose socket table the latest scan read.",
        tallies.read());
    out.gauge(
        "sockwatch_netns_unreadable",
        "Network namespaces found but not read (not permitted, gone, over the cap); /api/status"
            + " says why.",
        tallies.failed());
    Families.Gauge sockets =
        out.gauge(
            "sockwatch_netns_sockets",
            "TCP sockets in the network namespace, by state (the "
                + NamespaceTallies.MAX_NAMED
                + " namespaces with most sockets; netns=\"other\" sums the rest).");
    for (NamespaceTallies.Tally t : tallies.top()) {
      for (var e : t.byState().entrySet()) {
        sockets.point(e.getValue(), labels(t, e.getKey()));
      }
    }
    sockets.add();
  }

  private static String[] labels(NamespaceTallies.Tally t, TcpState state) {
    List<String> labels = new ArrayList<>(List.of("netns", t.netns()));
    if (t.inode() != 0) {
      labels.addAll(List.of("inode", Long.toString(t.inode())));
    }
    if (!t.container().isEmpty()) {
      labels.addAll(List.of("container", t.container()));
    }
    labels.addAll(List.of("state", SeriesNames.state(state)));
    return labels.toArray(String[]::new);
  }
}
