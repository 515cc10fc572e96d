package io.sockwatch.analysis;

import static io.sockwatch.analysis.Inputs.evidence;
import static io.sockwatch.analysis.Inputs.hasEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Threshold;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EphemeralPortDetectorTest {

  private static final ProcessInfo CLIENT = new ProcessInfo(42, "curl", "curl http://x");
  private static final ProcessInfo SERVER = new ProcessInfo(7, "nginx", "nginx");
  private static final PortRange NARROW = new PortRange(40000, 40199);
  private static final PortRange WIDE = new PortRange(32768, 60999);
  private static final long OLD = 30_000;

  private final EphemeralPortDetector detector = new EphemeralPortDetector();

  private static NodeStats node(PortRange range, long twReuse) {
    return PortTable.node(PortTable.tunables(range, List.of(), twReuse, 131072));
  }

  /** 10 held connections and 165 closed ones (TIME_WAIT) to a local server, server side too. */
  private static PortTable loopbackChurn() {
    return new PortTable()
        .listen("127.0.0.1", 7000, SERVER)
        .established(10, "127.0.0.1", 40000, "127.0.0.1", 7000, CLIENT)
        .timeWait(165, "127.0.0.1", 40010, "127.0.0.1", 7000, OLD, false)
        // the server's side of the held connections: local port 7000, not ephemeral
        .established(1, "127.0.0.1", 7000, "127.0.0.1", 40000, SERVER);
  }

  private List<Finding> run(PortTable table, NodeStats node) {
    return detector.detect(table.once(node, DoctorConfig.DEFAULTS));
  }

  @Test
  void narrowRangeWithoutTwReuseIsCriticalAndNamesTheClient() {
    List<Finding> findings = run(loopbackChurn(), node(NARROW, 0));

    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.id()).isEqualTo("ephemeral-ports/127.0.0.1->127.0.0.1:7000");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.subject().processes()).containsExactly("curl(42)");
    assertThat(f.subject().destination()).isEqualTo("127.0.0.1:7000");
    assertThat(f.subject().local()).isEqualTo("127.0.0.1");
    Headroom h = f.headroom().orElseThrow();
    assertThat(h.used()).isEqualTo(175);
    assertThat(h.limit()).isEqualTo(200);
    assertThat(h.secondsToLimit()).isEmpty();
    assertThat(evidence(f, "ports_in_use")).isEqualTo(175);
    assertThat(evidence(f, "time_wait_ports")).isEqualTo(165);
    assertThat(evidence(f, "blocking_ports")).isEqualTo(175);
    assertThat(evidence(f, "tcp_tw_reuse")).isZero();
    assertThat(hasEvidence(f, "new_time_wait_per_second")).isFalse();
    assertThat(f.title())
        .isEqualTo(
            "Ephemeral ports to 127.0.0.1:7000 are 88% used: 175 of 200 block new"
                + " connections; 165 are TIME_WAIT, which tcp_tw_reuse=0 does not let new"
                + " connections reuse");
    assertThat(f.remediation()).contains("keep-alive", "ip_local_port_range (now 40000 40199");
    assertThat(f.remediation()).contains("net.ipv4.tcp_tw_reuse=1");
    assertThat(f.docPath()).isEqualTo("docs/detectors/ephemeral-ports.md");
  }

  @Test
  void theSameTableInTheDefaultRangeIsNoProblem() {
    assertThat(run(loopbackChurn(), node(WIDE, 0))).isEmpty();
  }

  @Test
  void thresholdsAreConfigurable() {
    var config =
        new DoctorConfig(
            Map.of("ephemeral-ports.warning", 0.005, "ephemeral-ports.critical", 0.01),
            3600,
            Map.of());
    List<Finding> lowered = detector.detect(loopbackChurn().once(node(WIDE, 0), config));
    assertThat(lowered).singleElement().extracting(Finding::severity).isEqualTo(Severity.WARNING);
    assertThat(lowered.getFirst().headroom().orElseThrow().limit()).isEqualTo(28232);

    var raised = new DoctorConfig(Map.of("ephemeral-ports.critical", 0.95), 3600, Map.of());
    assertThat(detector.detect(loopbackChurn().once(node(NARROW, 0), raised)))
        .singleElement()
        .extracting(Finding::severity)
        .isEqualTo(Severity.WARNING);
  }

  @Test
  void reservedAndListeningPortsInTheRangeShrinkTheBudgetAndAreNotCounted() {
    KernelTunables t =
        PortTable.tunables(
            NARROW, List.of(new PortRange(39000, 39000), new PortRange(40180, 40229)), 0, 131072);
    PortTable table =
        loopbackChurn()
            // a reserved port bound explicitly by a client: not ephemeral, not counted
            .open(TcpState.ESTABLISHED, "127.0.0.1", 40190, "127.0.0.1", 7000, CLIENT)
            // a listener inside the range and a connection it accepted
            .listen("0.0.0.0", 40175, SERVER)
            .open(TcpState.ESTABLISHED, "127.0.0.1", 40175, "127.0.0.1", 7000, SERVER);

    Finding f = detector.detect(table.once(PortTable.node(t), DoctorConfig.DEFAULTS)).getFirst();

    // 200 - 20 reserved (40180-40199) - 1 listening (40175) = 179
    assertThat(f.headroom().orElseThrow().limit()).isEqualTo(179);
    assertThat(f.headroom().orElseThrow().used()).isEqualTo(175);
    assertThat(evidence(f, "reserved_or_listening_ports")).isEqualTo(21);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void twReuseOneMakesOldTimeWaitReusableButNotYoungOne() {
    PortTable table =
        loopbackChurn().timeWait(5, "127.0.0.1", 40175, "127.0.0.1", 7000, 400, false);

    Finding f = run(table, node(NARROW, 1)).getFirst();

    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(evidence(f, "ports_in_use")).isEqualTo(180);
    assertThat(evidence(f, "reusable_time_wait_ports")).isEqualTo(165);
    assertThat(evidence(f, "blocking_ports")).isEqualTo(15);
    assertThat(f.headroom().orElseThrow().used()).isEqualTo(15);
    assertThat(f.title())
        .endsWith(
            "tcp_tw_reuse=1 makes 165 of the 170 TIME_WAIT ports reusable by new connections (180"
                + " used including TIME_WAIT)");
    assertThat(f.remediation()).contains("already reused").doesNotContain("tcp_tw_reuse=1");
  }

  @Test
  void twReuseTwoAppliesToLoopbackOnly() {
    Finding loop = run(loopbackChurn(), node(NARROW, 2)).getFirst();
    assertThat(loop.severity()).isEqualTo(Severity.INFO);
    assertThat(evidence(loop, "blocking_ports")).isEqualTo(10);

    PortTable remote =
        new PortTable()
            .established(10, "10.0.0.1", 40000, "10.0.0.7", 443, CLIENT)
            .timeWait(165, "10.0.0.1", 40010, "10.0.0.7", 443, OLD, false);
    Finding far = run(remote, node(NARROW, 2)).getFirst();
    assertThat(far.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(evidence(far, "blocking_ports")).isEqualTo(175);
    assertThat(hasEvidence(far, "reusable_time_wait_ports")).isFalse();
    assertThat(far.title())
        .endsWith(
            "165 are TIME_WAIT, which tcp_tw_reuse=2 does not reuse: it applies to loopback only,"
                + " and 10.0.0.7 is not loopback");
    assertThat(far.remediation()).contains("set net.ipv4.tcp_tw_reuse=1 to reuse TIME_WAIT");
  }

  @Test
  void unknownTwReuseCountsTimeWaitAsBlockingAndSaysSo() {
    Finding f = run(loopbackChurn(), node(NARROW, -1)).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.title()).endsWith("(tcp_tw_reuse unknown: counted as blocking)");
    assertThat(hasEvidence(f, "tcp_tw_reuse")).isFalse();
  }

  @Test
  void eachLocalAddressAndDestinationHasItsOwnSpace() {
    PortTable table =
        new PortTable()
            .timeWait(120, "10.0.0.1", 40000, "10.0.0.7", 443, OLD, false)
            .timeWait(120, "10.0.0.2", 40000, "10.0.0.7", 443, OLD, false)
            .timeWait(120, "10.0.0.1", 40000, "10.0.0.7", 80, OLD, false)
            .timeWait(120, "10.0.0.1", 40000, "10.0.0.8", 443, OLD, false);

    List<Finding> findings = run(table, node(NARROW, 0));

    assertThat(findings).hasSize(4).allMatch(f -> f.severity() == Severity.WARNING);
    assertThat(findings)
        .extracting(Finding::key)
        .containsExactlyInAnyOrder(
            "10.0.0.1->10.0.0.7:443",
            "10.0.0.2->10.0.0.7:443",
            "10.0.0.1->10.0.0.7:80",
            "10.0.0.1->10.0.0.8:443");
    assertThat(findings).allMatch(f -> f.headroom().orElseThrow().used() == 120);
    // nothing owns TIME_WAIT: no process is named rather than a wrong one
    assertThat(findings).allMatch(f -> f.subject().processes().isEmpty());
  }

  @Test
  void ipv6AndV4MappedAddressesShareTheirIpv4Space() {
    PortTable table =
        new PortTable()
            .timeWait(100, "::ffff:10.0.0.1", 40000, "::ffff:10.0.0.7", 443, OLD, false)
            .timeWait(70, "10.0.0.1", 40100, "10.0.0.7", 443, OLD, false)
            .established(5, "::ffff:10.0.0.1", 40170, "::ffff:10.0.0.7", 443, CLIENT)
            .timeWait(110, "2001:db8::1", 40000, "2001:db8::7", 443, OLD, false);

    List<Finding> findings = run(table, node(NARROW, 0));

    assertThat(findings).hasSize(2);
    Finding v4 = findings.stream().filter(f -> f.key().startsWith("10.")).findFirst().orElseThrow();
    assertThat(v4.key()).isEqualTo("10.0.0.1->10.0.0.7:443");
    assertThat(v4.headroom().orElseThrow().used()).isEqualTo(175);
    assertThat(v4.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(v4.subject().processes()).containsExactly("curl(42)");
    Finding v6 =
        findings.stream().filter(f -> f.key().startsWith("2001")).findFirst().orElseThrow();
    assertThat(v6.subject().destination()).isEqualTo("[2001:db8::7]:443");
    assertThat(v6.subject().local()).isEqualTo("2001:db8::1");
    assertThat(v6.headroom().orElseThrow().used()).isEqualTo(110);
    assertThat(v6.severity()).isEqualTo(Severity.WARNING);
  }

  @Test
  void ipv6LoopbackCountsAsLoopbackForTwReuseTwo() {
    PortTable table = new PortTable().timeWait(170, "::1", 40000, "::1", 8443, OLD, false);
    Finding f = run(table, node(NARROW, 2)).getFirst();
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.subject().destination()).isEqualTo("[::1]:8443");
    assertThat(evidence(f, "blocking_ports")).isZero();
  }

  @Test
  void churnThatWillOutgrowTheRangeIsForecast() {
    PortRange thousand = new PortRange(30000, 30999);
    // 20 old TIME_WAIT, then 40 new ones in 2 s: 20 closes/s keep ~5 + 20 x 60 = 1205 ports busy
    PortTable table =
        new PortTable()
            .established(5, "10.0.0.1", 30000, "10.0.0.7", 443, CLIENT)
            .timeWait(20, "10.0.0.1", 30005, "10.0.0.7", 443, OLD, false)
            .timeWait(40, "10.0.0.1", 30025, "10.0.0.7", 443, 500, true);
    NodeStats n = node(thousand, 0);

    Finding f = detector.detect(table.twice(n, n, 2, DoctorConfig.DEFAULTS)).getFirst();

    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(evidence(f, "new_time_wait_per_second")).isEqualTo(20);
    assertThat(evidence(f, "forecast_blocking_ports")).isEqualTo(1205);
    Headroom h = f.headroom().orElseThrow();
    assertThat(h.used()).isEqualTo(65);
    assertThat(h.secondsToLimit().orElseThrow()).isCloseTo((1000 - 65) / 20.0, within(1e-9));
    assertThat(f.title())
        .startsWith(
            "Ephemeral ports to 10.0.0.7:443 will run out: the current churn keeps"
                + " ~1205 of 1000 busy (65 now)");

    // with tcp_tw_reuse=1 only the last second of TIME_WAIT blocks: 5 + 20 x 1 = 25, no problem
    NodeStats reuse = node(thousand, 1);
    assertThat(detector.detect(table.twice(reuse, reuse, 2, DoctorConfig.DEFAULTS))).isEmpty();
  }

  @Test
  void quietTableHasNoFindings() {
    PortTable table =
        new PortTable()
            .listen("0.0.0.0", 22, SERVER)
            .listen("::", 8080, SERVER)
            .established(3, "10.0.0.1", 22, "10.0.0.9", 51000, SERVER)
            .established(40, "10.0.0.1", 33000, "10.0.0.7", 5432, CLIENT)
            .timeWait(30, "10.0.0.1", 34000, "10.0.0.7", 443, OLD, true)
            .open(TcpState.SYN_SENT, "10.0.0.1", 35000, "10.0.0.8", 443, CLIENT);
    NodeStats n = node(WIDE, 2);
    assertThat(detector.detect(table.twice(n, n, 2, DoctorConfig.DEFAULTS))).isEmpty();
    assertThat(run(table, n)).isEmpty();
    assertThat(run(new PortTable(), n)).isEmpty();
  }

  @Test
  void withoutALocalPortRangeThereIsNothingToJudge() {
    assertThat(run(loopbackChurn(), node(null, 0))).isEmpty();
  }

  @Test
  void thresholdsAreNamedAndDocumented() {
    assertThat(detector.thresholds())
        .extracting(Threshold::name)
        .containsExactly("ephemeral-ports.warning", "ephemeral-ports.critical");
    assertThat(Detectors.all()).anyMatch(d -> d.id().equals("ephemeral-ports"));
  }
}
