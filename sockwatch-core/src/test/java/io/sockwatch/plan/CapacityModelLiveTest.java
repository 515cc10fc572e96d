package io.sockwatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.PortRange;
import io.sockwatch.model.plan.CapacityForecast;
import io.sockwatch.model.plan.PollingPlan;
import io.sockwatch.testkit.Scenarios;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The model against the kernel on a small scale, in a test namespace: 19 pollers probing one server
 * once a second over fresh, client-closed connections (the 1 s row of the published table, seen
 * from one destination's side). Waiting out TIME_WAIT for the steady state would take over a
 * minute, so the test checks the model's rate on a run shorter than TIME_WAIT, where the count is
 * still growing as rate × elapsed time, and where the TIME_WAIT entries sit: all on the closing
 * (client) side, none on the server.
 */
@Tag("live")
class CapacityModelLiveTest {

  private static final String SERVER = "127.0.0.1:7611";
  private static final int POLLERS = 19;
  private static final int SECONDS = 10;
  private static final double INTERVAL = 1;

  @Test
  void timeWaitGrowsAtTheModelsRateOnTheClosingSideOnly() throws Exception {
    CapacityForecast model =
        CapacityModel.forecast(
            PollingPlan.fullMesh(POLLERS + 1, INTERVAL, false, new PortRange(32768, 60999)));
    double expected = model.newConnectionsPerSecond() * SECONDS; // 190, well before 60 s expiry

    try (TestNetns ns = TestNetns.create("plan")) {
      List<Process> started = new ArrayList<>();
      try {
        started.add(Scenarios.start(ns, "server", SERVER));
        Process herd =
            Scenarios.start(
                ns,
                "herd",
                SERVER,
                Double.toString(POLLERS / INTERVAL), // the design: each poller once per interval
                Integer.toString(SECONDS),
                Integer.toString(POLLERS));
        started.add(herd);
        assertThat(herd.waitFor(SECONDS + 30, TimeUnit.SECONDS)).as("the herd finished").isTrue();

        long clientTimeWait = count(ns, "state", "time-wait", "dport", "=", ":7611");
        long serverTimeWait = count(ns, "state", "time-wait", "sport", "=", ":7611");
        long listeners = count(ns, "state", "listening");

        assertThat((double) clientTimeWait)
            .as("TIME_WAIT %d after %d s, model %.0f", clientTimeWait, SECONDS, expected)
            .isBetween(expected * 0.95, expected * 1.05);
        assertThat(serverTimeWait).as("the passive closer holds no TIME_WAIT").isZero();
        assertThat(listeners).isEqualTo(model.listeners());
      } finally {
        for (Process p : started) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static long count(TestNetns ns, String... filter) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ss", "-tanH"));
    cmd.addAll(List.of(filter));
    return ns.exec(cmd.toArray(String[]::new)).lines().filter(l -> !l.isBlank()).count();
  }
}
