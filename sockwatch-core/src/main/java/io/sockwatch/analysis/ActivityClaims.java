package io.sockwatch.analysis;

import io.sockwatch.analysis.PortSpace.TupleKey;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which network namespace's findings each flow of the node's connection events belongs to. The
 * tracer sees every connect on the node but not the namespace it happened in, while most detectors
 * judge one namespace's table; a flow given to every namespace would make the same herd appear in
 * each. So each flow goes to exactly one namespace, by the first rule that decides:
 *
 * <ol>
 *   <li>the namespace whose table holds sockets of the flow's process (a process opens its
 *       connections in its own namespace; a poller that also listens, or holds any connection, is
 *       placed by it);
 *   <li>else the namespace whose table holds the most sockets, in any state but LISTEN (TIME_WAIT
 *       included), to the flow's destination and port, ties to the earlier namespace (the host's is
 *       first);
 *   <li>else the host's namespace (or the first read): it keeps what no other namespace claims.
 * </ol>
 *
 * Listener activity is per port and stays with every namespace.
 */
final class ActivityClaims {

  private ActivityClaims() {}

  /** {@code activity} split over {@code namespaces}, one share per namespace, in their order. */
  static List<ConnectionActivity> split(
      List<NamespaceSnapshot> namespaces, ConnectionActivity activity) {
    int n = namespaces.size();
    if (n <= 1 || activity.flows().isEmpty()) {
      return java.util.Collections.nCopies(n, activity);
    }
    Set<Integer> pids = new HashSet<>();
    Set<TupleKey> destinations = new HashSet<>();
    for (ConnectionFlow f : activity.flows()) {
      pids.add(f.pid());
      destinations.add(new TupleKey().set(null, PortSpace.unmapped(f.destination()), f.port()));
    }
    Map<Integer, Integer> namespaceOfPid = new HashMap<>();
    Map<TupleKey, int[]> socketsTo = new HashMap<>();
    int host = 0;
    TupleKey probe = new TupleKey();
    for (int i = n - 1; i >= 0; i--) {
      NamespaceSnapshot ns = namespaces.get(i);
      if (ns.namespace().host()) {
        host = i;
      }
      Snapshot s = ns.snapshot();
      for (SocketRecord r : s.sockets()) {
        for (ProcessInfo p : s.ownersOf(r)) {
          if (pids.contains(p.pid())) {
            namespaceOfPid.put(p.pid(), i); // walking backwards: the earliest namespace wins
          }
        }
        if (r.state() == TcpState.LISTEN) {
          continue;
        }
        probe.set(null, PortSpace.unmapped(r.remoteAddress()), r.remotePort());
        if (destinations.contains(probe)) {
          socketsTo.computeIfAbsent(probe.copy(), k -> new int[n])[i]++;
        }
      }
    }
    List<List<ConnectionFlow>> shares = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      shares.add(new ArrayList<>());
    }
    for (ConnectionFlow f : activity.flows()) {
      Integer owner = namespaceOfPid.get(f.pid());
      int to =
          owner != null
              ? owner
              : busiest(
                  socketsTo.get(probe.set(null, PortSpace.unmapped(f.destination()), f.port())),
                  host);
      shares.get(to).add(f);
    }
    List<ConnectionActivity> out = new ArrayList<>(n);
    for (List<ConnectionFlow> share : shares) {
      long connects = 0;
      for (ConnectionFlow f : share) {
        connects += f.connects();
      }
      out.add(
          new ConnectionActivity(
              activity.seconds(),
              share,
              activity.listeners(),
              connects,
              activity.accepts(),
              activity.kernelActiveOpens(),
              activity.kernelPassiveOpens(),
              activity.droppedFlows()));
    }
    return out;
  }

  private static int busiest(int[] counts, int fallback) {
    if (counts == null) {
      return fallback;
    }
    int best = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && (best < 0 || counts[i] > counts[best])) {
        best = i;
      }
    }
    return best < 0 ? fallback : best;
  }
}
