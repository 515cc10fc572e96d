package io.sockwatch.analysis;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Placement;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Says where on the node a finding happened, from the scan it was judged on: the namespace (given
 * for per-namespace findings; for node-wide and trend findings, the one namespace whose sockets the
 * named processes hold, if there is one) and the containers or pods of the named processes. A scan
 * of one namespace without enumeration leaves findings as they are.
 */
public final class FindingPlacer {

  private final NodeScan scan;
  private Map<Integer, NetworkNamespace> namespaceOfPid;

  public FindingPlacer(NodeScan scan) {
    this.scan = scan;
  }

  /**
   * A finding judged on one namespace's table. Outside the host's namespace its key gains the
   * namespace, since the same key (a process-less {@code 127.0.0.1:8080}) can exist in another. One
   * that names no process in a container's namespace gets the containers holding sockets there.
   */
  public Finding inNamespace(NamespaceSnapshot ns, Finding f) {
    if (!scan.perNamespace()) {
      return f;
    }
    List<String> containers = containers(f);
    if (containers.isEmpty() && f.subject().processes().isEmpty() && !ns.namespace().host()) {
      containers = ns.containers(Placement.MAX_CONTAINERS);
    }
    NetworkNamespace n = ns.namespace();
    return f.placedIn(new Placement(n.inode(), n.label(), containers), n.host());
  }

  /**
   * A finding judged on the whole node (node-wide counters, or history across scans), whose key is
   * already unique on the node: it keeps its key and gains the namespace its processes' sockets are
   * in, when that is one namespace, and their containers.
   */
  public Finding onNode(Finding f) {
    if (!scan.perNamespace()) {
      return f;
    }
    Set<NetworkNamespace> where = new HashSet<>();
    for (String label : f.subject().processes()) {
      NetworkNamespace n = namespaceOf(ProcessLabel.pidOf(label));
      if (n != null) {
        where.add(n);
      }
    }
    Placement p =
        where.size() == 1
            ? new Placement(
                where.iterator().next().inode(), where.iterator().next().label(), containers(f))
            : new Placement(0, "", containers(f));
    return p.isNone() ? f : f.placedIn(p, true);
  }

  private List<String> containers(Finding f) {
    Set<String> out = new TreeSet<>();
    for (String label : f.subject().processes()) {
      int pid = ProcessLabel.pidOf(label);
      ProcessInfo p = pid > 0 ? scan.merged().owners().process(pid) : null;
      if (p != null) {
        p.containerLabel().ifPresent(out::add);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The namespace whose sockets the process holds, from one pass over the scan, built on first use;
   * a process holding sockets in several namespaces (rare: it entered one to open a socket) counts
   * for the first.
   */
  private NetworkNamespace namespaceOf(int pid) {
    if (pid <= 0) {
      return null;
    }
    if (namespaceOfPid == null) {
      namespaceOfPid = new HashMap<>();
      for (NamespaceSnapshot ns : scan.namespaces()) {
        Snapshot s = ns.snapshot();
        for (SocketRecord r : s.sockets()) {
          for (ProcessInfo p : s.ownersOf(r)) {
            namespaceOfPid.putIfAbsent(p.pid(), ns.namespace());
          }
        }
      }
    }
    return namespaceOfPid.get(pid);
  }
}
