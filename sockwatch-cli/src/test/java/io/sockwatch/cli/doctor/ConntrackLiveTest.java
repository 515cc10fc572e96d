package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.testkit.Scenarios;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A stateful nftables rule makes the kernel track the namespace's connections; a burst of short
 * connections fills the conntrack table with TIME_WAIT entries (kept 120 s). The doctor reads the
 * namespace's own nf_conntrack_count and the node's nf_conntrack_max: with the warning threshold
 * lowered to a level the burst crosses it reports the fill with the kernel's numbers, and with the
 * defaults it stays quiet.
 */
@Tag("live")
class ConntrackLiveTest {

  private static final String SERVER = "127.0.0.1:7501";

  @Test
  void trackedBurstIsReportedWithTheKernelsCounts() throws Exception {
    try (TestNetns ns = TestNetns.create("ct")) {
      ns.exec("nft", "add", "table", "inet", "swt");
      ns.exec("nft", "add", "chain", "inet", "swt", "in", "{ type filter hook input priority 0; }");
      ns.exec(
          "nft",
          "add",
          "rule",
          "inet",
          "swt",
          "in",
          "ct",
          "state",
          "established,related,new",
          "accept");
      List<Process> started = new ArrayList<>();
      try {
        started.add(Scenarios.start(ns, "server", SERVER));
        Process herd = Scenarios.start(ns, "herd", SERVER, "300", "1", "2");
        assertThat(herd.waitFor(30, TimeUnit.SECONDS)).as("the burst finished").isTrue();
        long before = sysctl(ns, "nf_conntrack_count");
        long max = sysctl(ns, "nf_conntrack_max");
        assertThat(before).as("entries of the burst").isGreaterThanOrEqualTo(250);

        // A threshold just under the burst's share of the table, so the finding must come from
        // the kernel's numbers rather than from the defaults.
        double share = (double) before / max;
        String warning = String.format(java.util.Locale.ROOT, "%.6f", share / 2);
        DoctorProcess d =
            DoctorProcess.run(
                ns, "doctor", "-o", "json", "--once", "--set", "conntrack.warning=" + warning);
        long after = sysctl(ns, "nf_conntrack_count");

        List<JsonNode> f = d.findings("conntrack");
        assertThat(f).as(d.out()).hasSize(1);
        JsonNode finding = f.getFirst();
        assertThat(finding.get("severity").asString()).isEqualTo("WARNING");
        assertThat(DoctorJson.evidence(finding, "nf_conntrack_count"))
            .isBetween((double) Math.min(before, after), (double) Math.max(before, after));
        assertThat(DoctorJson.evidence(finding, "nf_conntrack_max")).isEqualTo(max);
        assertThat(finding.get("headroom").get("limit").asLong()).isEqualTo(max);
        assertThat(d.exitCode()).isEqualTo(1);

        DoctorProcess quiet = DoctorProcess.run(ns, "doctor", "-o", "json", "--once");
        assertThat(quiet.findings("conntrack")).as("defaults: 75%% of the table").isEmpty();
      } finally {
        for (Process p : started) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static long sysctl(TestNetns ns, String name) throws IOException {
    return Long.parseLong(ns.exec("cat", "/proc/sys/net/netfilter/" + name).strip());
  }
}
