package io.sockwatch.cli.doctor;

import static io.sockwatch.cli.doctor.DoctorJson.evidence;
import static io.sockwatch.cli.doctor.PortTraffic.processes;
import static io.sockwatch.cli.doctor.PortTraffic.total;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.cli.testing.Closer;
import io.sockwatch.model.PortRange;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Port exhaustion built for real: in a namespace of its own, a client holds {@value #HOLD}
 * connections to a local server and has opened and closed {@value #SHORT} more (it closed first, so
 * each left a TIME_WAIT on its side). Whether that is a problem depends only on the namespace's own
 * {@code ip_local_port_range} and {@code tcp_tw_reuse}, which each test sets.
 *
 * <p>Counts are compared exactly with {@code ss} run in the namespace before and after the doctor:
 * once the client is ready nothing opens or closes, and TIME_WAIT lasts 60 s, far longer than a
 * test, and nothing can end it sooner ({@code tcp_rfc1337=1}, see {@link TestNetns}), so the table
 * is the one built, the same at both reads and at the doctor's (the test asserts all three).
 */
@Tag("live")
class EphemeralPortsLiveTest {

  private static final PortRange NARROW = new PortRange(40000, 40199);
  private static final PortRange WIDE = new PortRange(32768, 60999);
  private static final String PORT = "7000";
  private static final String SERVER = "127.0.0.1:" + PORT;
  private static final int HOLD = 10;
  private static final int SHORT = 165;

  private final Closer opened = new Closer();

  private record Scenario(
      TestNetns ns, PortRange range, ChurnProcess client, Map<String, Integer> ss) {
    /** The table ss shows now (read until it equals the one built, bounded) is the one built. */
    void assertUnchanged(String since) throws Exception {
      assertThat(PortTraffic.awaitExactly(() -> PortTraffic.toPeer(ns, SERVER, range), ss))
          .as(() -> "the table in " + ns.name() + " " + since + "\n" + kernelSays(ns))
          .isEqualTo(ss);
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  /**
   * A namespace whose client holds {@value #HOLD} connections and left {@value #SHORT} TIME_WAIT,
   * exactly: the build fails, with the namespace's counters, if {@code ss} does not show that table
   * within the bound.
   *
   * <p>Nothing ends a TIME_WAIT sooner: test namespaces have {@code tcp_rfc1337=1} (see {@link
   * TestNetns}), which is what made an early build under load one TIME_WAIT short.
   */
  private Scenario churned(String prefix, PortRange range, int twReuse) throws Exception {
    TestNetns ns = TestNetns.create(prefix);
    opened.keep(ns);
    ns.sysctl("net.ipv4.ip_local_port_range", range.low() + " " + range.high());
    // Built without reuse: with tcp_tw_reuse=1 a connect() may take over a TIME_WAIT port older
    // than 1 s even while free ports remain, so on a slow moment the build would recycle its own
    // TIME_WAIT. The setting the doctor judges is applied once the table stands.
    ns.sysctl("net.ipv4.tcp_tw_reuse", "0");
    start(ns, "server", PORT);
    ChurnProcess client =
        start(ns, "client", PORT, Integer.toString(HOLD), Integer.toString(SHORT));
    Map<String, Integer> built = Map.of("ESTAB", HOLD, "TIME-WAIT", SHORT);
    // Until every server FIN has arrived some short connections are still in FIN-WAIT-2.
    Map<String, Integer> ss =
        PortTraffic.awaitExactly(() -> PortTraffic.toPeer(ns, SERVER, range), built);
    assertThat(ss)
        .as(() -> "the table built in " + ns.name() + "\n" + kernelSays(ns))
        .isEqualTo(built);
    ns.sysctl("net.ipv4.tcp_tw_reuse", Integer.toString(twReuse));
    return new Scenario(ns, range, client, ss);
  }

  /**
   * How a table came to differ, in the namespace's kernel's words: TcpExtTW counts closes that
   * entered TIME_WAIT, TcpOutRsts the RSTs sent, TcpExtPAWSTimewait stale segments that reached a
   * TIME_WAIT, TCPAbortOn* closes aborted (e.g. on the node's orphan or memory limit); then every
   * socket to the server.
   */
  private static String kernelSays(TestNetns ns) {
    return exec(
            ns,
            "nstat",
            "-az",
            "TcpExtTW*",
            "TcpOutRsts",
            "TcpExtPAWSTimewait",
            "TcpExtTCPAbortOn*",
            "TcpAttemptFails")
        + exec(ns, "ss", "-tanH", "state", "all", "dport", "= :" + PORT);
  }

  private static String exec(TestNetns ns, String... command) {
    try {
      return ns.exec(command);
    } catch (IOException e) {
      return command[0] + " failed: " + e.getMessage();
    }
  }

  private ChurnProcess start(TestNetns ns, String... args) throws Exception {
    ChurnProcess p = ChurnProcess.start(ns, args);
    opened.keep(p);
    return p;
  }

  private static JsonNode onlyFinding(DoctorProcess d) {
    List<JsonNode> findings = d.findings("ephemeral-ports");
    assertThat(findings).as(d.out()).hasSize(1);
    return findings.getFirst();
  }

  @Test
  void narrowedRangeIsCriticalForTheClientsDestination() throws Exception {
    Scenario s = churned("eph", NARROW, 0);

    DoctorProcess d = DoctorProcess.run(s.ns(), "doctor", "-o", "json");

    s.assertUnchanged("while the doctor ran");
    JsonNode f = onlyFinding(d);
    assertThat(f.get("severity").asString()).isEqualTo("CRITICAL");
    assertThat(f.get("id").asString()).isEqualTo("ephemeral-ports/127.0.0.1->" + SERVER);
    assertThat(f.get("subject").get("destination").asString()).isEqualTo(SERVER);
    assertThat(f.get("subject").get("local").asString()).isEqualTo("127.0.0.1");
    assertThat(processes(f)).containsExactly(s.client().comm());
    JsonNode h = f.get("headroom");
    assertThat(h.get("limit").asDouble()).isEqualTo(NARROW.size());
    assertThat(h.get("used").asDouble()).isEqualTo(total(s.ss()));
    assertThat(evidence(f, "ports_in_use")).isEqualTo(total(s.ss()));
    assertThat(evidence(f, "time_wait_ports")).isEqualTo((int) s.ss().get("TIME-WAIT"));
    assertThat(evidence(f, "tcp_tw_reuse")).isZero();
    assertThat(evidence(f, "new_time_wait_per_second")).isZero();
    assertThat(f.get("title").asString()).contains("tcp_tw_reuse=0 does not let");
    assertThat(f.get("docs").asString()).isEqualTo("docs/detectors/ephemeral-ports.md");
    assertThat(d.exitCode()).isEqualTo(1);
  }

  @Test
  void theSameConnectionsInTheDefaultRangeAreNoProblem() throws Exception {
    Scenario s = churned("ephwide", WIDE, 0);

    DoctorProcess d = DoctorProcess.run(s.ns(), "doctor", "--once", "-o", "json");
    assertThat(d.findings("ephemeral-ports")).as(d.out()).isEmpty();

    // Lowering the bar shows the same sockets measured against this namespace's own range.
    DoctorProcess low =
        DoctorProcess.run(
            s.ns(), "doctor", "--once", "-o", "json", "--set", "ephemeral-ports.warning=0.5%");
    s.assertUnchanged("while the doctors ran");
    JsonNode f = onlyFinding(low);
    assertThat(f.get("severity").asString()).isEqualTo("WARNING");
    assertThat(f.get("headroom").get("limit").asDouble()).isEqualTo(WIDE.size());
    assertThat(f.get("headroom").get("used").asDouble()).isEqualTo(total(s.ss()));
  }

  @Test
  void twReuseDecidesWhetherTimeWaitBlocks() throws Exception {
    Scenario off = churned("ephtw0", NARROW, 0);
    Scenario on = churned("ephtw1", NARROW, 1);

    // Two samples 2 s apart: every TIME_WAIT is older than the 1 s tcp_tw_reuse waits for.
    DoctorProcess dOff = DoctorProcess.run(off.ns(), "doctor", "-o", "json");
    DoctorProcess dOn = DoctorProcess.run(on.ns(), "doctor", "-o", "json");
    off.assertUnchanged("while the doctors ran");
    on.assertUnchanged("while the doctors ran");

    JsonNode fOff = onlyFinding(dOff);
    assertThat(fOff.get("severity").asString()).isEqualTo("CRITICAL");
    assertThat(evidence(fOff, "blocking_ports")).isEqualTo(total(off.ss()));
    assertThat(DoctorJson.hasEvidence(fOff, "reusable_time_wait_ports")).isFalse();
    assertThat(fOff.get("remediation").asString()).contains("Set net.ipv4.tcp_tw_reuse=1");
    assertThat(dOff.exitCode()).isEqualTo(1);

    JsonNode fOn = onlyFinding(dOn);
    assertThat(fOn.get("severity").asString()).isEqualTo("INFO");
    assertThat(evidence(fOn, "ports_in_use")).isEqualTo(total(on.ss()));
    assertThat(evidence(fOn, "reusable_time_wait_ports")).isEqualTo((int) on.ss().get("TIME-WAIT"));
    assertThat(evidence(fOn, "blocking_ports")).isEqualTo((int) on.ss().get("ESTAB"));
    assertThat(fOn.get("headroom").get("used").asDouble()).isEqualTo((int) on.ss().get("ESTAB"));
    assertThat(fOn.get("title").asString())
        .contains(
            "tcp_tw_reuse=1 makes "
                + on.ss().get("TIME-WAIT")
                + " of the "
                + on.ss().get("TIME-WAIT")
                + " TIME_WAIT ports reusable");
    assertThat(processes(fOn)).containsExactly(on.client().comm());
    assertThat(dOn.exitCode()).isZero();

    // The kernel agrees with both findings: 25 ports are free, so 60 more connections run out
    // without tcp_tw_reuse and succeed by taking over TIME_WAIT ports with it.
    int more = NARROW.size() - total(off.ss()) + 35;
    assertThatThrownBy(() -> start(off.ns(), "client", PORT, "0", Integer.toString(more)))
        .hasMessageContaining("Cannot assign requested address");
    start(on.ns(), "client", PORT, "0", Integer.toString(more));
  }
}
