package io.sockwatch.analysis;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.process.SocketOwnersFixture;
import io.sockwatch.testkit.EvidenceContract;
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
            OptionalLong.empty(), OptionalLong.empty());
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

  /**
   * The value of the evidence with this key about the finding as a whole; fails when there is none.
   * Like every lookup here, it first checks all of the finding's evidence against
   * docs/doctor-json.md ({@link #honoured}), so each detector test that reads evidence also tests
   * the contract.
   */
  public static double evidence(Finding f, String key) {
    return evidence(f, key, "");
  }

  /** The value of the evidence with this key about this member; fails when there is none. */
  public static double evidence(Finding f, String key, String member) {
    return honoured(f).evidence().stream()
        .filter(e -> e.key().equals(key) && e.member().equals(member))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no evidence " + key + (member.isEmpty() ? "" : " of " + member) + " in " + f))
        .value();
  }

  /** Whether the finding has evidence with this key, about any member or none. */
  public static boolean hasEvidence(Finding f, String key) {
    return honoured(f).evidence().stream().anyMatch(e -> e.key().equals(key));
  }

  /** Whether the finding has evidence with this key about this member. */
  public static boolean hasEvidence(Finding f, String key, String member) {
    return honoured(f).evidence().stream()
        .anyMatch(e -> e.key().equals(key) && e.member().equals(member));
  }

  /**
   * The finding, after checking that its evidence keeps the contract of docs/doctor-json.md: keys
   * well-formed and listed for its detector with their unit, members where the doc has them, no
   * (key, member) twice.
   */
  public static Finding honoured(Finding f) {
    EvidenceContract.check(
        f.id(),
        f.detector(),
        f.evidence().stream()
            .map(e -> new EvidenceContract.Item(e.key(), e.member(), e.unit()))
            .toList());
    return f;
  }
}
