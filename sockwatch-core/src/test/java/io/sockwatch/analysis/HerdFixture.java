package io.sockwatch.analysis;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The incident of issue 14, made up: {@code n} probers on one host, prober i (pid 1000+i) on
 * 127.0.0.(10+i), each polling the other n-1 on one port with a fresh connection per probe that the
 * client closes first; as kernel events (flows) and as the socket table a scan sees (each prober's
 * listener and the TIME_WAIT its probes left).
 */
public final class HerdFixture {
  private HerdFixture() {}

  public static final int PORT = 8558;

  /** Where the monotonic clock of the made-up events starts. */
  public static final long T0 = 5_000_000_000_000L;

  public static ProcessInfo prober(int i) {
    return new ProcessInfo(1000 + i, "prober", "prober --peers");
  }

  /** Prober i's address. */
  public static String ip(int i) {
    return "127.0.0." + (10 + i);
  }

  /**
   * One flow: {@code connects} connects, {@code interval} apart, from {@code first}, all closed.
   */
  public static ConnectionFlow flow(
      int pid,
      String comm,
      String container,
      String destination,
      int port,
      long connects,
      long firstNanos,
      double intervalSeconds) {
    return new ConnectionFlow(
        pid,
        comm,
        container,
        IpAddress.parse(destination),
        port,
        connects,
        connects,
        0,
        0,
        0,
        connects,
        OptionalDouble.of(0.002),
        OptionalDouble.of(0.010),
        firstNanos,
        firstNanos + (long) ((connects - 1) * intervalSeconds * 1e9));
  }

  public static ConnectionActivity activity(double seconds, List<ConnectionFlow> flows) {
    long connects = flows.stream().mapToLong(ConnectionFlow::connects).sum();
    return new ConnectionActivity(
        seconds,
        flows,
        List.of(),
        connects,
        connects,
        OptionalLong.of(connects),
        OptionalLong.of(connects),
        0);
  }

  /**
   * The mesh's flows over one window starting at {@code startNanos}: every pair {@code connects}
   * times, {@code interval} apart, prober i starting i milliseconds after the others (no two in
   * step).
   */
  public static ConnectionActivity mesh(
      int n, double windowSeconds, long connects, double interval, long startNanos) {
    List<ConnectionFlow> flows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          flows.add(
              flow(
                  1000 + i,
                  "prober",
                  "",
                  ip(j),
                  PORT,
                  connects,
                  startNanos + i * 1_000_000L,
                  interval));
        }
      }
    }
    return activity(windowSeconds, flows);
  }

  /**
   * The mesh's socket table: each prober's listener on its address, and {@code timeWaitPerPair}
   * TIME_WAIT from each prober's address (or all from 127.0.0.1 when {@code sharedSource}) to each
   * other prober; none is open.
   */
  public static Snapshot table(int n, int timeWaitPerPair, boolean sharedSource, NodeStats node) {
    PortTable t = new PortTable();
    for (int i = 0; i < n; i++) {
      t.listen(ip(i), PORT, prober(i));
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          t.timeWait(
              timeWaitPerPair,
              sharedSource ? "127.0.0.1" : ip(i),
              40000 + (sharedSource ? i * timeWaitPerPair : 0),
              ip(j),
              PORT,
              30_000,
              false);
        }
      }
    }
    return t.after(node);
  }

  /** Node counters with this port range and tcp_tw_reuse=0 (nothing reusable). */
  public static NodeStats node(PortRange range) {
    KernelTunables tunables = PortTable.tunables(range, List.of(), 0, 1 << 20);
    return PortTable.node(tunables);
  }
}
