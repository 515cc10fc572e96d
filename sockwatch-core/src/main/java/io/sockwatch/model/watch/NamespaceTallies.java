package io.sockwatch.model.watch;

import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Socket counts per network namespace from the latest scan, for metrics: the namespaces with the
 * most sockets by name, the rest summed into one {@code other} row, so a node of 500 pods exports a
 * bounded number of series.
 *
 * @param top the namespaces with most sockets, most first, then {@code other} if any were left
 * @param read namespaces read in the scan
 * @param failed namespaces found but not read
 */
public record NamespaceTallies(List<Tally> top, int read, int failed) {

  /** Namespaces named in metrics; the rest are summed. */
  public static final int MAX_NAMED = 20;

  /** A scan of one namespace without enumeration. */
  public static final NamespaceTallies NONE = new NamespaceTallies(List.of(), 0, 0);

  /**
   * One namespace's counts.
   *
   * @param inode its inode, 0 for the {@code other} row
   * @param netns its label ({@code host}, a name, {@code net:[INODE]}) or {@code other}
   * @param container the first container or pod holding sockets in it, or empty
   * @param sockets its sockets
   * @param byState its sockets per state
   */
  public record Tally(
      long inode, String netns, String container, int sockets, Map<TcpState, Integer> byState) {
    public Tally {
      byState = Collections.unmodifiableMap(new EnumMap<>(byState));
    }
  }

  public NamespaceTallies {
    top = List.copyOf(top);
  }

  /** The namespaces of {@code scan} tallied, the largest named and the rest summed as other. */
  public static NamespaceTallies of(NodeScan scan) {
    if (!scan.perNamespace()) {
      return NONE;
    }
    List<Tally> all = new ArrayList<>();
    for (NamespaceSnapshot ns : scan.namespaces()) {
      List<String> containers = ns.containers(1);
      all.add(
          new Tally(
              ns.namespace().inode(),
              ns.namespace().label(),
              containers.isEmpty() ? "" : containers.getFirst(),
              ns.snapshot().sockets().size(),
              ns.snapshot().countsByState()));
    }
    all.sort(Comparator.comparingInt(Tally::sockets).reversed().thenComparing(Tally::inode));
    List<Tally> top = new ArrayList<>(all.subList(0, Math.min(MAX_NAMED, all.size())));
    if (all.size() > MAX_NAMED) {
      Map<TcpState, Integer> rest = new EnumMap<>(TcpState.class);
      int sockets = 0;
      for (Tally t : all.subList(MAX_NAMED, all.size())) {
        sockets += t.sockets();
        t.byState().forEach((k, v) -> rest.merge(k, v, Integer::sum));
      }
      top.add(new Tally(0, "other", "", sockets, rest));
    }
    return new NamespaceTallies(top, scan.namespaces().size(), scan.namespacesFailed());
  }
}
