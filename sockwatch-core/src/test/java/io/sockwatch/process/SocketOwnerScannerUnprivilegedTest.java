package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Runs the scanner as user nobody (via {@code setpriv}, from a root test run) against the live
 * {@code /proc}: it must still attribute its own socket, report every other user's process it could
 * not read as one partial-attribution {@link io.sockwatch.model.Unavailable}, and throw nothing.
 */
@Tag("live")
class SocketOwnerScannerUnprivilegedTest {

  @TempDir Path dir;

  @Test
  void unprivilegedScanReportsPartialAttributionAndStillFindsItsOwnSocket() throws Exception {
    String whyNot = Unprivileged.whyNot();
    assumeTrue(whyNot == null, whyNot);
    Path output = dir.resolve("output.txt");
    Process child =
        Unprivileged.start(
            dir, List.of(SocketOwnerScanner.class, ScanAsMain.class), ScanAsMain.class.getName());
    try {
      assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("child finished").isTrue();
    } finally {
      child.destroyForcibly();
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as("exit status; output:%n%s", text).isZero();
    assertThat(text).doesNotContain("Exception");

    List<String> lines = text.lines().toList();
    for (String walker : List.of("NATIVE", "NIO")) {
      String summary =
          lines.stream()
              .filter(l -> l.startsWith("walker=" + walker + " "))
              .findFirst()
              .orElseThrow();
      assertThat(summary).as(text).contains("selfListenerOwned=true");
      int denied = Integer.parseInt(summary.replaceAll(".* denied=(\\d+) .*", "$1"));
      assertThat(denied).as("root's processes are not readable by nobody").isPositive();
    }
    List<String> unavailable = lines.stream().filter(l -> l.startsWith("unavailable=")).toList();
    assertThat(unavailable).as(text).hasSize(2);
    assertThat(unavailable)
        .allMatch(
            l ->
                l.matches(
                    "unavailable=process attribution: partial: [1-9]\\d* of [1-9]\\d* processes"
                        + " unreadable \\(permission denied\\); run as root for full"
                        + " attribution"),
            "the documented partial-attribution reason");
  }
}
