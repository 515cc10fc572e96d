package io.sockwatch.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockwatch.testkit.TestNetns;
import io.sockwatch.testkit.Unprivileged;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads a namespace root made, as user nobody: the inventory still finds it by its name, and every
 * read says, for that namespace, that entering it was not permitted; nothing is thrown.
 */
@Tag("live")
class NetnsSourcesUnprivilegedTest {

  @TempDir Path dir;

  @Test
  void anUnprivilegedReadOfAnotherNamespaceReportsPermissionDeniedForIt() throws Exception {
    String whyNot = Unprivileged.whyNot();
    assumeTrue(whyNot == null, whyNot);
    try (TestNetns ns = TestNetns.create("nsu")) {
      Process child =
          Unprivileged.start(
              dir,
              List.of(NetnsInventory.class, NetnsReadAsMain.class),
              NetnsReadAsMain.class.getName(),
              ns.name());
      try {
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
      } finally {
        child.destroyForcibly();
      }
      String text = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(text).isZero();
      assertThat(text).doesNotContain("Exception");
      long inode = (Long) Files.getAttribute(Path.of("/run/netns", ns.name()), "unix:ino");
      List<String> lines = text.lines().toList();
      assertThat(lines).contains("found=" + inode);
      assertThat(lines)
          .filteredOn(l -> l.startsWith("denied="))
          .singleElement()
          .satisfies(l -> assertThat(Integer.parseInt(l.substring(7))).isPositive());
      String label = "network namespace " + ns.name() + " (net:[" + inode + "])";
      for (String source : List.of("netlink", "proc")) {
        assertThat(lines)
            .as(text)
            .filteredOn(l -> l.startsWith(source + "-"))
            .singleElement()
            .asString()
            .startsWith(source + "-error=" + label + ": permission denied");
      }
      assertThat(lines)
          .filteredOn(l -> l.startsWith("node-unavailable="))
          .singleElement()
          .asString()
          .contains(label + ": permission denied");
    }
  }
}
