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
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeWaitDetectorTest {

  private static final ProcessInfo JAVA = new ProcessInfo(123, "java", "java -jar app.jar");
  private static final ProcessInfo NGINX = new ProcessInfo(7, "nginx", "nginx");
  private static final KernelTunables TUNABLES =
      PortTable.tunables(new PortRange(1024, 65535), List.of(), 2, 131072);
  private static final NodeStats NODE = PortTable.node(TUNABLES);
  private static final long OLD = 30_000;

  private final TimeWaitDetector detector = new TimeWaitDetector();

  private static DoctorConfig perDestination(double n) {
    return new DoctorConfig(Map.of("time-wait.per-destination", n), 3600, Map.of());
  }

  @Test
  void churningClientIsNamedThroughItsOpenConnections() {
    PortTable table =
        new PortTable()
            .established(3, "10.0.0.1", 20000, "10.0.0.7", 443, JAVA)
            .timeWait(1100, "10.0.0.1", 30000, "10.0.0.7", 443, OLD, false)
            // another destination of the same process stays below the threshold
            .timeWait(50, "10.0.0.1", 40000, "10.0.0.8", 443, OLD, false);

    List<Finding> findings = detector.detect(table.once(NODE, DoctorConfig.DEFAULTS));

    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.id()).isEqualTo("time-wait/to 10.0.0.7:443");
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.subject().processes()).containsExactly("java(123)");
    assertThat(f.subject().destination()).isEqualTo("10.0.0.7:443");
    assertThat(f.title())
        .isEqualTo(
            "1100 TIME_WAIT sockets to 10.0.0.7:443: java(123) opens and closes about 18"
                + " connections/s instead of reusing them");
    assertThat(evidence(f, "time_wait_sockets")).isEqualTo(1100);
    assertThat(evidence(f, "closes_per_second")).isCloseTo(1100 / 60.0, within(1e-9));
    assertThat(evidence(f, "open_connections")).isEqualTo(3);
    assertThat(hasEvidence(f, "new_time_wait_per_second")).isFalse();
    assertThat(f.remediation()).contains("keep-alive", "pool", "thundering herd");
    assertThat(f.docPath()).isEqualTo("docs/detectors/time-wait.md");
  }

  @Test
  void timeWaitWithoutAnyOpenConnectionHasAnUnknownProcess() {
    PortTable table = new PortTable().timeWait(1000, "10.0.0.1", 30000, "10.0.0.7", 80, OLD, false);
    Finding f = detector.detect(table.once(NODE, DoctorConfig.DEFAULTS)).getFirst();
    assertThat(f.subject().processes()).isEmpty();
    assertThat(f.title())
        .isEqualTo(
            "1000 TIME_WAIT sockets to 10.0.0.7:80: closed connections of an unknown process"
                + " (TIME_WAIT has no owner), about 17 connections/s");
  }

  @Test
  void theThresholdIsConfigurable() {
    PortTable table = new PortTable().timeWait(999, "10.0.0.1", 30000, "10.0.0.7", 80, OLD, false);
    assertThat(detector.detect(table.once(NODE, DoctorConfig.DEFAULTS))).isEmpty();
    assertThat(detector.detect(table.once(NODE, perDestination(500)))).hasSize(1);
  }

  @Test
  void serverThatClosesFirstIsReportedPerListeningPort() {
    // 1200 closed connections from 200 clients: spread over many destinations, one listener
    PortTable many = new PortTable().listen("0.0.0.0", 8080, NGINX);
    for (int i = 0; i < 4; i++) {
      many.open(TcpState.ESTABLISHED, "10.0.0.1", 8080, "10.0.0.50", 50000 + i, NGINX);
    }
    for (int i = 0; i < 1200; i++) {
      many.timeWait(1, "10.0.0.1", 8080, "10.0.1." + (i % 200 + 1), 40000 + i, OLD, false);
    }

    List<Finding> findings = detector.detect(many.once(NODE, DoctorConfig.DEFAULTS));

    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.key()).isEqualTo("on 0.0.0.0:8080");
    assertThat(f.subject().local()).isEqualTo("0.0.0.0:8080");
    assertThat(f.subject().destination()).isEmpty();
    assertThat(f.subject().processes()).containsExactly("nginx(7)");
    assertThat(f.title())
        .isEqualTo(
            "1200 TIME_WAIT sockets on 0.0.0.0:8080: the server nginx(7) closes about 20"
                + " connections/s before its clients do");
    assertThat(evidence(f, "open_connections")).isEqualTo(4);
  }

  @Test
  void rateComesFromNewTimeWaitBetweenTheSamples() {
    PortTable table =
        new PortTable()
            .established(1, "127.0.0.1", 20000, "127.0.0.1", 7000, JAVA)
            .timeWait(1000, "127.0.0.1", 30000, "127.0.0.1", 7000, OLD, false)
            .timeWait(200, "127.0.0.1", 31000, "127.0.0.1", 7000, 1000, true);

    Finding f = detector.detect(table.twice(NODE, NODE, 2, DoctorConfig.DEFAULTS)).getFirst();

    assertThat(evidence(f, "time_wait_sockets")).isEqualTo(1200);
    assertThat(evidence(f, "new_time_wait_per_second")).isEqualTo(100);
    assertThat(f.title())
        .isEqualTo(
            "1200 TIME_WAIT sockets to 127.0.0.1:7000: java(123) opens and closes about 20"
                + " connections/s (100/s now) instead of reusing them");
    assertThat(f.subject().processes()).containsExactly("java(123)");
  }

  @Test
  void ipv6DestinationsAndV4MappedSpellingsAreGrouped() {
    PortTable table =
        new PortTable()
            .timeWait(600, "::ffff:10.0.0.1", 30000, "::ffff:10.0.0.7", 443, OLD, false)
            .timeWait(600, "10.0.0.1", 40000, "10.0.0.7", 443, OLD, false)
            .established(1, "2001:db8::1", 20000, "2001:db8::7", 443, JAVA)
            .timeWait(1000, "2001:db8::1", 30000, "2001:db8::7", 443, OLD, false);

    List<Finding> findings = detector.detect(table.once(NODE, DoctorConfig.DEFAULTS));

    assertThat(findings)
        .extracting(f -> f.subject().destination())
        .containsExactlyInAnyOrder("10.0.0.7:443", "[2001:db8::7]:443");
    Finding v6 = findings.stream().filter(f -> f.key().contains("2001")).findFirst().orElseThrow();
    assertThat(v6.subject().processes()).containsExactly("java(123)");
    Finding v4 = findings.stream().filter(f -> f.key().contains("10.0")).findFirst().orElseThrow();
    assertThat(evidence(v4, "time_wait_sockets")).isEqualTo(1200);
  }

  @Test
  void namespaceNearTcpMaxTwBucketsIsReportedWithTimeToTheLimit() {
    NodeStats before = PortTable.node(TUNABLES, 100_000, Map.of("TCPTimeWaitOverflow", 0L));
    NodeStats after =
        PortTable.node(TUNABLES, 110_000, Map.of("TCPTimeWaitOverflow", 0L, "TWRecycled", 0L));

    List<Finding> findings =
        detector.detect(new PortTable().twice(before, after, 2, DoctorConfig.DEFAULTS));

    assertThat(findings).hasSize(1);
    Finding f = findings.getFirst();
    assertThat(f.id()).isEqualTo("time-wait/node");
    assertThat(f.subject()).isEqualTo(Subject.NODE);
    assertThat(f.title())
        .isEqualTo("TIME_WAIT sockets fill 84% of tcp_max_tw_buckets (110000 of 131072)");
    Headroom h = f.headroom().orElseThrow();
    assertThat(h.used()).isEqualTo(110_000);
    assertThat(h.limit()).isEqualTo(131072);
    assertThat(h.secondsToLimit().orElseThrow()).isCloseTo(21072 / 5000.0, within(1e-9));
    assertThat(evidence(f, "time_wait_growth_per_second")).isEqualTo(5000);
    assertThat(evidence(f, "time_wait_overflows")).isZero();

    NodeStats quiet = PortTable.node(TUNABLES, 90_000, Map.of());
    assertThat(detector.detect(new PortTable().once(quiet, DoctorConfig.DEFAULTS))).isEmpty();
  }

  @Test
  void overflowBetweenTheSamplesIsReportedEvenBelowTheFraction() {
    KernelTunables small = PortTable.tunables(new PortRange(1024, 65535), List.of(), 2, 4096);
    NodeStats before =
        PortTable.node(small, 2000, Map.of("TCPTimeWaitOverflow", 10L, "TWRecycled", 3L));
    NodeStats after =
        PortTable.node(small, 1500, Map.of("TCPTimeWaitOverflow", 15L, "TWRecycled", 7L));

    Finding f =
        detector.detect(new PortTable().twice(before, after, 2, DoctorConfig.DEFAULTS)).getFirst();

    assertThat(f.title())
        .isEqualTo(
            "The kernel skipped TIME_WAIT for 5 closing connections in 2 s: tcp_max_tw_buckets"
                + " (4096) is full");
    assertThat(evidence(f, "time_wait_reused")).isEqualTo(4);
    assertThat(f.headroom().orElseThrow().secondsToLimit()).isEmpty();
  }

  @Test
  void quietTableHasNoFindings() {
    PortTable table =
        new PortTable()
            .listen("0.0.0.0", 22, NGINX)
            .established(3, "10.0.0.1", 22, "10.0.0.9", 51000, NGINX)
            .established(40, "10.0.0.1", 33000, "10.0.0.7", 5432, JAVA)
            .timeWait(30, "10.0.0.1", 34000, "10.0.0.7", 443, OLD, true)
            .open(TcpState.CLOSE_WAIT, "10.0.0.1", 35000, "10.0.0.8", 443, JAVA);
    NodeStats n = PortTable.node(TUNABLES, 30, Map.of("TCPTimeWaitOverflow", 0L));
    assertThat(detector.detect(table.twice(n, n, 2, DoctorConfig.DEFAULTS))).isEmpty();
    assertThat(detector.detect(table.once(n, DoctorConfig.DEFAULTS))).isEmpty();
    NodeStats nothing = PortTable.node(PortTable.tunables(null, List.of(), -1, -1), 0, Map.of());
    assertThat(detector.detect(new PortTable().once(nothing, DoctorConfig.DEFAULTS))).isEmpty();
  }

  @Test
  void thresholdsAreNamedAndRegistered() {
    assertThat(detector.thresholds())
        .extracting(Threshold::name)
        .containsExactly("time-wait.per-destination", "time-wait.node-fraction");
    assertThat(Detectors.all()).anyMatch(d -> d.id().equals("time-wait"));
  }
}
