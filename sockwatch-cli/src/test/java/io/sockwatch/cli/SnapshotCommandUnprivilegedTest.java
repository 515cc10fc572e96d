package io.sockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.testkit.TestNetns;
import io.sockwatch.testkit.Unprivileged;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sockwatch snapshot} run as user nobody: the socket table is still complete (sock_diag
 * dumps need no privilege), and the output says that attribution is partial instead of failing.
 */
@Tag("live")
class SnapshotCommandUnprivilegedTest {

  @TempDir Path dir;

  /**
   * As nobody, {@code --netns all} cannot enter a namespace of root's: that namespace is listed
   * under unavailable with the reason, and the own namespace is still read in full.
   */
  @Test
  void aNamespaceItMayNotEnterIsReportedAndTheRestIsRead() throws Exception {
    String whyNot = Unprivileged.whyNot();
    assumeTrue(whyNot == null, whyNot);
    try (TestNetns other = TestNetns.create("swnobody");
        ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      String port = Integer.toString(listener.getLocalPort());
      String text =
          snapshotAsNobody("--netns", "all", "--state", "listen", "--sport", port, "-o", "json");
      JsonNode json = JsonMapper.builder().build().readTree(text);
      assertThat(json.get("socket_count").asInt()).as(text).isEqualTo(1);
      assertThat(json.get("sockets").get(0).get("local").get("port").asString()).isEqualTo(port);
      JsonNode denied = null;
      for (JsonNode u : json.get("unavailable")) {
        if (u.get("item").asString().equals("network namespace " + other.name())) {
          denied = u;
        }
      }
      assertThat(denied).as(text).isNotNull();
      assertThat(denied.get("reason").asString())
          .startsWith("permission denied to enter it")
          .contains("needs root");
    }
  }

  @Test
  void listsSocketsAndSaysAttributionIsPartial() throws Exception {
    String whyNot = Unprivileged.whyNot();
    assumeTrue(whyNot == null, whyNot);
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      String port = Integer.toString(listener.getLocalPort());
      String text = snapshotAsNobody("--state", "listen", "--sport", port, "-o", "json");
      JsonNode json = JsonMapper.builder().build().readTree(text);
      assertThat(json.get("source").asString()).isEqualTo("netlink");
      assertThat(json.get("socket_count").asInt()).as(text).isEqualTo(1);
      JsonNode socket = json.get("sockets").get(0);
      assertThat(socket.get("local").get("port").asString()).isEqualTo(port);
      // The listener belongs to this root JVM, whose descriptors nobody cannot read.
      assertThat(socket.get("ownership").asString()).isEqualTo("unknown");
      assertThat(json.get("unavailable").toString())
          .contains("process attribution")
          .contains("partial")
          .contains("run as root for full attribution")
          // The default --netns host: the host's namespace link is hidden from nobody.
          .contains("host network namespace")
          .contains("read this process's own namespace instead");
    }
  }

  /**
   * As nobody, connection events cannot be traced (no CAP_BPF, tracefs closed to it): {@code
   * snapshot --events} says why in one line and exits 2, without a stack trace.
   */
  @Test
  void connectionEventsSayWhyNotAndExitTwo() throws Exception {
    String whyNot = Unprivileged.whyNot();
    assumeTrue(whyNot == null, whyNot);
    Process child =
        Unprivileged.start(
            dir,
            List.of(Main.class, SnapshotReader.class),
            Main.class.getName(),
            "snapshot",
            "--events",
            "1s");
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    } finally {
      child.destroyForcibly();
    }
    String text = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(text).isEqualTo(2);
    assertThat(text.strip())
        .startsWith("sockwatch snapshot: connection events unavailable: ")
        .contains("needs root")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  /** Runs {@code sockwatch snapshot ARGS} as nobody; returns what it printed, once it exited 0. */
  private String snapshotAsNobody(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("snapshot"));
    all.addAll(List.of(args));
    Process child =
        Unprivileged.start(
            dir,
            List.of(Main.class, SnapshotReader.class),
            Main.class.getName(),
            all.toArray(String[]::new));
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    } finally {
      child.destroyForcibly();
    }
    String text = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(text).isZero();
    return text;
  }
}
