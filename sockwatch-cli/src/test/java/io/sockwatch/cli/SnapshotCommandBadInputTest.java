package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A damaged /proc tree (missing, truncated, garbled files, a directory where a file should be)
 * gives a partial result and says what could not be read; nothing gives a stack trace.
 */
class SnapshotCommandBadInputTest {

  private static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
          + " inode\n";
  private static final String LISTEN_ROW =
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0"
          + " 4242 1 0000000000000000 100 0 0 10 0\n";
  private static final String ESTAB_ROW =
      "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0"
          + " 4243 1 0000000000000000 20 4 30 10 -1\n";

  @TempDir Path root;

  private void write(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  @Test
  void damagedTreeGivesPartialResultWithReasons() throws IOException {
    write(
        "proc/net/tcp",
        TCP_HEADER + LISTEN_ROW + "   2: garbage line that is not a socket\n" + ESTAB_ROW);
    // tcp6 missing (IPv6 disabled), sockstat truncated mid-line, snmp random bytes.
    write("proc/net/sockstat", "sockets: used 10\nTCP: inuse 2 orph");
    Files.write(
        root.resolve("proc/net/snmp"), new byte[] {0x00, (byte) 0xff, 0x13, 0x37, '\n', 'x'});
    Files.createDirectories(root.resolve("proc/net/netstat")); // a directory where a file should be
    write("proc/sys/net/ipv4/tcp_mem", "not numbers\n");
    write("proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n");

    CliRun run = CliRun.of("snapshot", "--root", root.toString(), "--node", "-o", "json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    JsonNode json = run.json();
    assertThat(json.get("source").asString()).isEqualTo("proc");
    assertThat(json.get("socket_count").asInt()).isEqualTo(2);
    String reasons = json.get("unavailable").toString();
    assertThat(reasons)
        .contains("tcp6")
        .contains("sockstat")
        .contains("snmp")
        .contains("netstat")
        .contains("tcp_mem")
        .contains("tcp_info"); // the proc source says what it lacks
    assertThat(json.get("node").get("sysctl").get("ip_local_port_range").get("low").asInt())
        .isEqualTo(32768);
    assertThat(json.get("node").get("sysctl").has("tcp_mem")).isFalse(); // absent, not zero
  }

  @Test
  void textOutputListsTheUnavailableSection() throws IOException {
    write("proc/net/tcp", TCP_HEADER + LISTEN_ROW);
    CliRun run = CliRun.of("snapshot", "--root", root.toString(), "--no-processes");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("127.0.0.1:8080").contains("Unavailable:").contains("tcp6");
  }

  @Test
  void noSocketTableAtAllIsOneClearLineAndExitTwo() {
    CliRun run = CliRun.of("snapshot", "--root", root.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).startsWith("sockwatch: ").contains("/proc").doesNotContain("Exception");
  }

  @Test
  void explicitNetlinkWithARecordedRootIsRefusedClearly() throws IOException {
    write("proc/net/tcp", TCP_HEADER + LISTEN_ROW);
    CliRun run = CliRun.of("snapshot", "--root", root.toString(), "--source", "auto", "-o", "json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("source").asString()).isEqualTo("proc");
  }

  @Test
  void badFlagsAreOneLineErrors() {
    for (String[] args :
        new String[][] {
          {"snapshot", "--state", "bogus"},
          {"snapshot", "--sport", "99999"},
          {"snapshot", "--dst", "not-an-address"},
          {"snapshot", "--source", "carrier-pigeon"},
          {"snapshot", "--output", "yaml"},
          {"snapshot", "--top", "0"},
          {"snapshot", "--pid", "abc"},
          {"snapshot", "--no-such-flag"},
        }) {
      CliRun run = CliRun.of(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err())
          .as(String.join(" ", args))
          .startsWith("sockwatch: ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      assertThat(run.out()).isEmpty();
    }
  }
}
