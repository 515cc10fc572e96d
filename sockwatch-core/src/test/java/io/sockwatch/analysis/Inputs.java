package io.sockwatch.analysis;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Constructed snapshots and doctor inputs for detector unit tests. */
public final class Inputs {
  private Inputs() {}

  public static NodeStats node(OptionalLong keepaliveSeconds, Map<String, Long> tcpExt) {
    KernelTunables t =
        new KernelTunables(
            Optional.empty(),
            Optional.empty(),
            List.of(),
            OptionalLong.empty(),
            keepaliveSeconds,
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty(),
            OptionalLong.empty());
    return new NodeStats(Map.of(), Map.of(), Map.of("TcpExt", tcpExt), t, List.of());
  }

  public static NodeStats node() {
    return node(OptionalLong.of(7200), Map.of());
  }

  public static Snapshot snapshot(List<SocketRecord> sockets, Map<Long, ProcessInfo> owners) {
    return snapshot(sockets, owners, node());
  }

  public static Snapshot snapshot(
      List<SocketRecord> sockets, Map<Long, ProcessInfo> owners, NodeStats node) {
    return new Snapshot(
        Instant.EPOCH,
        "netlink",
        sockets,
        SocketOwnersFixture.single(owners),
        true,
        Optional.of(node),
        List.of());
  }

  /** One sample ({@code --once}). */
  public static DoctorInput once(Snapshot after, DoctorConfig config) {
    return new DoctorInput(Optional.empty(), after, 0, config);
  }

  public static DoctorInput twoSamples(
      Snapshot before, Snapshot after, double interval, DoctorConfig config) {
    return new DoctorInput(Optional.of(before), after, interval, config);
  }

  public static DoctorConfig config(double middleboxSeconds, Map<String, Double> overrides) {
    return new DoctorConfig(overrides, middleboxSeconds, Map.of());
  }

  public static DoctorConfig heartbeats(Map<Integer, Double> heartbeats) {
    return new DoctorConfig(Map.of(), DoctorConfig.DEFAULT_MIDDLEBOX_IDLE_SECONDS, heartbeats);
  }

  /** The value of the evidence with this name; fails when there is none. */
  public static double evidence(Finding f, String name) {
    return f.evidence().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no evidence '" + name + "' in " + f))
        .value();
  }

  public static boolean hasEvidence(Finding f, String name) {
    return f.evidence().stream().anyMatch(e -> e.name().equals(name));
  }
}
