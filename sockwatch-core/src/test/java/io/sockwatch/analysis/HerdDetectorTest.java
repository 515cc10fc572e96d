package io.sockwatch.analysis;

import static io.sockwatch.analysis.HerdFixture.T0;
import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.model.snapshot.NamespaceSnapshot;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.plan.CapacityModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's incident through every doctor detector: 20 probers on one host polling each other on
 * port 8558 every second. Without connection events it stays what it was (20 time-wait findings of
 * an unknown process); with them it is one herd finding naming all 20.
 */
class HerdDetectorTest {

  private static final NodeStats NODE = HerdFixture.node(new PortRange(32768, 60999));
  private static final Snapshot MESH = HerdFixture.table(20, 60, false, NODE);

  private static DoctorReport doctor(Snapshot table, Optional<ConnectionActivity> events) {
    return new DetectorRun(Detectors.all())
        .examine(
            new DoctorInput(Optional.empty(), table, 0, DoctorConfig.DEFAULTS)
                .withActivity(events));
  }

  /** Findings about port 8558: to a destination on it, on it locally, or the herd on it. */
  private static List<Finding> about8558(DoctorReport r) {
    return r.findings().stream()
        .filter(
            f ->
                HerdFolding.portOf(f.subject().destination()) == 8558
                    || HerdFolding.portOf(f.subject().local()) == 8558)
        .toList();
  }

  @Test
  void withoutEventsTheIncidentIsTwentyTimeWaitFindingsAsBefore() {
    DoctorReport r = doctor(MESH, Optional.empty());
    assertThat(about8558(r)).hasSize(20).allMatch(f -> f.detector().equals("time-wait"));
    assertThat(r.findings()).noneMatch(f -> f.detector().equals("herd"));
    assertThat(about8558(r).getFirst().title()).contains("an unknown process");
  }

  @Test
  void withEventsTheIncidentIsOneHerdFindingNamingEveryProber() {
    DoctorReport r = doctor(MESH, Optional.of(HerdFixture.mesh(20, 10, 10, 1.0, T0)));

    assertThat(about8558(r)).hasSize(1);
    assertThat(r.findings()).hasSize(1);
    Finding h = about8558(r).getFirst();
    assertThat(h.id()).isEqualTo("herd/port 8558");
    assertThat(h.severity()).isEqualTo(Severity.WARNING);
    assertThat(h.title())
        .isEqualTo(
            "Thundering herd on port 8558: 20 processes poll 19 destinations each, every 1.0 s per"
                + " pair: 380 new connections/s, 22,800 TIME_WAIT");
    assertThat(h.subject().processes()).hasSize(20).contains("prober(1000)", "prober(1019)");
    assertThat(h.subject().destination()).isEqualTo("*:8558");
    assertThat(evidence(h, "port")).isEqualTo(8558);
    assertThat(evidence(h, "source_processes")).isEqualTo(20);
    assertThat(evidence(h, "destinations")).isEqualTo(20);
    assertThat(evidence(h, "pairs")).isEqualTo(380);
    assertThat(evidence(h, "pair_interval_median_seconds")).isCloseTo(1.0, within(1e-9));
    assertThat(evidence(h, "pair_interval_min_seconds")).isCloseTo(1.0, within(1e-9));
    assertThat(evidence(h, "pair_interval_max_seconds")).isCloseTo(1.0, within(1e-9));
    assertThat(evidence(h, "connects_per_second")).isCloseTo(380, within(1e-6));
    assertThat(evidence(h, "time_wait_sockets")).isEqualTo(22_800);
    assertThat(evidence(h, "expected_time_wait_sockets")).isCloseTo(22_800, within(1e-6));
    assertThat(evidence(h, "time_wait_at_5_seconds")).isCloseTo(4_560, within(1e-6));
    assertThat(evidence(h, "time_wait_at_10_seconds")).isCloseTo(2_280, within(1e-6));
    for (int i = 0; i < 20; i++) {
      String p = "prober(" + (1000 + i) + ")";
      assertThat(evidence(h, "process_connects_per_second", p)).isCloseTo(19, within(1e-9));
      assertThat(evidence(h, "process_destinations", p)).isEqualTo(19);
    }
    assertThat(evidence(h, "folded_findings", "time-wait")).isEqualTo(20);
    assertThat(hasEvidence(h, "source_containers")).isFalse();
    assertThat(h.remediation())
        .startsWith("Reuse connections first")
        .contains("keep-alive", "22,800 at the current 1.0 s per pair", "4,560 at every 5.0 s")
        .contains("2,280 at every 10.0 s", "sockwatch plan");
    assertThat(h.docPath()).isEqualTo("docs/detectors/herd.md");
  }

  @Test
  void theModelIsPlansModel() {
    // one prober of a 20-node full mesh, as `sockwatch plan --nodes 20 --interval 1` sees it
    PollingPlan plan = PollingPlan.fullMesh(20, 1, false, new PortRange(32768, 60999));
    double perProber = CapacityModel.forecast(plan).timeWait();
    DoctorReport r = doctor(MESH, Optional.of(HerdFixture.mesh(20, 10, 10, 1.0, T0)));
    assertThat(evidence(r.findings().getFirst(), "expected_time_wait_sockets"))
        .isCloseTo(20 * perProber, within(1e-6));
    double at5 = CapacityModel.forecast(plan.withInterval(5)).timeWait();
    assertThat(evidence(r.findings().getFirst(), "time_wait_at_5_seconds"))
        .isCloseTo(20 * at5, within(1e-6));
  }

  @Test
  void portsNearlyUsedUpMakeTheHerdCriticalAndItFoldsTheEphemeralPortFindings() {
    // all probers connect from 127.0.0.1: each destination's space holds 19 x 55 of 1201 ports
    NodeStats small = HerdFixture.node(new PortRange(40000, 41200));
    Snapshot shared = HerdFixture.table(20, 55, true, small);
    assertThat(about8558(doctor(shared, Optional.empty())))
        .extracting(Finding::detector)
        .contains("ephemeral-ports", "time-wait");

    DoctorReport r = doctor(shared, Optional.of(HerdFixture.mesh(20, 10, 10, 1.0, T0)));

    assertThat(about8558(r)).hasSize(1);
    Finding h = about8558(r).getFirst();
    assertThat(h.detector()).isEqualTo("herd");
    assertThat(h.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(h, "blocking_ports")).isEqualTo(1045);
    assertThat(evidence(h, "usable_ports")).isEqualTo(1201);
    assertThat(evidence(h, "folded_findings", "ephemeral-ports")).isEqualTo(20);
    assertThat(evidence(h, "folded_findings", "time-wait")).isEqualTo(20);
    assertThat(
            io.sockwatch.model.finding.NodeCondition.EPHEMERAL_PORT_PRESSURE.select(r.findings()))
        .containsExactly(h);
  }

  @Test
  void aSingleShortLivedPollerIsNamedInItsTimeWaitFinding() {
    // curl(77) polls 10.0.0.7:80 twenty times a second; no connection of it lives across a scan
    PortTable t = new PortTable().timeWait(1200, "10.0.0.1", 30000, "10.0.0.7", 80, 30_000, false);
    ConnectionActivity events =
        HerdFixture.activity(
            2, List.of(HerdFixture.flow(77, "curl", "", "10.0.0.7", 80, 40, T0, 0.05)));

    DoctorReport r = doctor(t.after(NODE), Optional.of(events));

    assertThat(r.findings()).hasSize(1);
    Finding f = r.findings().getFirst();
    assertThat(f.id()).isEqualTo("time-wait/to 10.0.0.7:80");
    assertThat(f.subject().processes()).containsExactly("curl(77)");
    assertThat(f.title())
        .isEqualTo(
            "1200 TIME_WAIT sockets to 10.0.0.7:80: curl(77) opens and closes about 20"
                + " connections/s instead of reusing them");
    assertThat(evidence(f, "opener_connects_per_second", "curl(77)")).isEqualTo(20);
  }

  private static NetworkNamespace namespace(long inode, boolean host) {
    return new NetworkNamespace(
        inode,
        host,
        host,
        List.of(),
        List.of(1),
        1,
        Path.of("/proc/1/ns/net"),
        Optional.of(Path.of("/proc/1/net")));
  }

  private static NodeScan hostAndPod(Snapshot host, Snapshot pod) {
    List<SocketRecord> all = new ArrayList<>(host.sockets());
    all.addAll(pod.sockets());
    return new NodeScan(
        List.of(
            new NamespaceSnapshot(namespace(4026531840L, true), host),
            new NamespaceSnapshot(namespace(4026532100L, false), pod)),
        new Snapshot(Instant.EPOCH, "netlink", all, host.owners(), true, host.node(), List.of()),
        true,
        0);
  }

  @Test
  void theNamespacesShareTheFlowsOutSoTheHerdAppearsOnce() {
    // the pod also holds TIME_WAIT to one of the probers, but the probers' own sockets (their
    // listeners) are in the host's namespace: the flows are the host's
    Snapshot pod =
        new PortTable()
            .timeWait(5, "10.244.0.5", 40000, "127.0.0.10", 8558, 30_000, false)
            .after(NODE);
    DoctorReport r =
        new NamespaceDoctor(Detectors.all())
            .examine(
                Optional.empty(),
                hostAndPod(MESH, pod)
                    .withActivity(Optional.of(HerdFixture.mesh(20, 10, 10, 1.0, T0))),
                0,
                DoctorConfig.DEFAULTS);
    assertThat(r.findings()).extracting(Finding::id).containsExactly("herd/port 8558");
    assertThat(r.findings().getFirst().subject().placement().netns()).isEqualTo("host");
    assertThat(evidence(r.findings().getFirst(), "folded_findings", "time-wait")).isEqualTo(20);
  }

  @Test
  void aFlowOfAProcessNoTableKnowsGoesWhereItsDestinationIs() {
    // short-lived curls in the pod (no socket of theirs in any table) poll two services every
    // 0.1 s; only the pod holds sockets to them
    Snapshot pod =
        new PortTable()
            .timeWait(3, "10.244.0.5", 40000, "10.96.0.10", 9000, 30_000, false)
            .timeWait(3, "10.244.0.5", 41000, "10.96.0.11", 9000, 30_000, false)
            .after(NODE);
    ConnectionActivity events =
        HerdFixture.activity(
            10,
            List.of(
                HerdFixture.flow(501, "curl", "", "10.96.0.10", 9000, 100, T0, 0.1),
                HerdFixture.flow(502, "curl", "", "10.96.0.11", 9000, 100, T0, 0.1)));
    DoctorReport r =
        new NamespaceDoctor(Detectors.all())
            .examine(
                Optional.empty(),
                hostAndPod(MESH, pod).withActivity(Optional.of(events)),
                0,
                DoctorConfig.DEFAULTS);
    Finding h =
        r.findings().stream().filter(f -> f.detector().equals("herd")).findFirst().orElseThrow();
    assertThat(r.findings()).filteredOn(f -> f.detector().equals("herd")).hasSize(1);
    assertThat(h.id()).isEqualTo("herd/port 9000@netns:4026532100");
    assertThat(h.subject().processes()).containsExactly("curl(501)", "curl(502)");
  }
}
