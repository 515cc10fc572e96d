package io.sockwatch.cli.doctor;

import static io.sockwatch.cli.doctor.PortTraffic.processes;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.TestNetns;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The kernel's connection events in {@code doctor}, against a short-lived poller whose connections
 * never live across a scan (it holds none open, so the socket table alone cannot name it): with
 * events its TIME_WAIT finding names it; without the privilege to load eBPF, or with events turned
 * off, the reason is stated (or nothing, when turned off by choice) and the finding is today's,
 * naming no one.
 */
@Tag("live")
class ConnectionEventsLiveTest {

  /** Root without the capabilities eBPF needs; attribution (ptrace, DAC) keeps working. */
  private static final List<String> NO_BPF =
      List.of(
          "setpriv",
          "--inh-caps=-bpf,-perfmon,-sys_admin",
          "--bounding-set=-bpf,-perfmon,-sys_admin",
          "--");

  private final Closer opened = new Closer();

  @AfterEach
  void cleanUp() throws Exception {
    opened.close();
  }

  /** A server on 127.0.0.1:7300 and a client polling it 100 times a second, holding nothing. */
  private ChurnProcess poller(TestNetns ns) throws Exception {
    ns.sysctl("net.ipv4.tcp_tw_reuse", "0");
    opened.keep(ChurnProcess.start(ns, "server", "7300"));
    ChurnProcess client = ChurnProcess.start(ns, "client", "7300", "0", "600", "100", "60");
    opened.keep(client);
    return client;
  }

  private TestNetns namespace(String prefix) throws Exception {
    TestNetns ns = TestNetns.create(prefix);
    opened.keep(ns);
    return ns;
  }

  @Test
  void theShortLivedPollerIsNamedInItsTimeWaitFinding() throws Exception {
    TestNetns ns = namespace("evpoll");
    ChurnProcess client = poller(ns);
    DoctorProcess d = DoctorProcess.run(ns, "doctor", "-o", "json", "--set", timeWaitAt(300));
    assertThat(unavailableItems(d)).as(d.out()).doesNotContain("connection events");
    List<JsonNode> tw = d.findings("time-wait");
    assertThat(tw).as(d.out()).hasSize(1);
    assertThat(processes(tw.getFirst())).as(d.out()).containsExactly(client.comm());
  }

  @Test
  void withoutTheCapabilitiesTheReasonIsStatedAndTheFindingIsTodays() throws Exception {
    TestNetns ns = namespace("evcaps");
    poller(ns);
    DoctorProcess d =
        DoctorProcess.runWrapped(ns, NO_BPF, "doctor", "-o", "json", "--set", timeWaitAt(300));
    JsonNode reason = unavailable(d, "connection events");
    assertThat(reason).as(d.out()).isNotNull();
    assertThat(reason.get("reason").asString())
        .contains("Operation not permitted")
        // Mounting tracefs (CAP_SYS_ADMIN) or creating maps (CAP_BPF) fails first, depending on
        // whether the namespace's /sys has tracefs already.
        .contains("needs root");
    List<JsonNode> tw = d.findings("time-wait");
    assertThat(tw).as(d.out()).hasSize(1);
    assertThat(processes(tw.getFirst())).as("no events: no owner").isEmpty();
    assertThat(tw.getFirst().get("title").asString()).contains("unknown process");
  }

  @Test
  void turnedOffItSaysNothingAndTheFindingIsTodays() throws Exception {
    TestNetns ns = namespace("evoff");
    poller(ns);
    DoctorProcess d =
        DoctorProcess.run(
            ns, "doctor", "-o", "json", "--connection-events", "off", "--set", timeWaitAt(300));
    assertThat(unavailableItems(d)).doesNotContain("connection events");
    List<JsonNode> tw = d.findings("time-wait");
    assertThat(tw).as(d.out()).hasSize(1);
    assertThat(processes(tw.getFirst())).isEmpty();
  }

  private static String timeWaitAt(int count) {
    return "time-wait.per-destination=" + count;
  }

  private static List<String> unavailableItems(DoctorProcess d) {
    List<String> items = new ArrayList<>();
    for (JsonNode u : d.json().get("unavailable")) {
      items.add(u.get("item").asString());
    }
    return items;
  }

  private static JsonNode unavailable(DoctorProcess d, String item) {
    for (JsonNode u : d.json().get("unavailable")) {
      if (u.get("item").asString().equals(item)) {
        return u;
      }
    }
    return null;
  }
}
