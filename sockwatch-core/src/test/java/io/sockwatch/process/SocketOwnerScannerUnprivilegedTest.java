package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the scanner as user nobody (via {@code setpriv}, from a root test run) against the live
 * {@code /proc}: it must still attribute its own socket, report every other user's process it could
 * not read as one partial-attribution {@link io.sockwatch.model.Unavailable}, and throw nothing.
 */
class SocketOwnerScannerUnprivilegedTest {

  private static final int NOBODY = 65534;

  @TempDir Path dir;

  @Test
  void unprivilegedScanReportsPartialAttributionAndStillFindsItsOwnSocket() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root to switch to user nobody with setpriv");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux) to drop root");
    Path javaHome = Path.of(System.getProperty("java.home"));
    assumeTrue(
        worldReadable(javaHome),
        "the JDK at " + javaHome + " is not readable by nobody, so no JVM can run as nobody");

    // The build's class directories may sit under /root (unreadable by nobody): copy the classes
    // the child needs into a world-readable directory.
    Path classes = dir.resolve("classes");
    copyTree(codeSource(SocketOwnerScanner.class), classes);
    copyTree(
        codeSource(ScanAsMain.class).resolve("io/sockwatch/process"),
        classes.resolve("io/sockwatch/process"));
    openUp(dir);

    Path output = dir.resolve("output.txt");
    Process child =
        new ProcessBuilder(
                "/usr/bin/setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                "--inh-caps=-all",
                javaHome.resolve("bin/java").toString(),
                "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classes.toString(),
                ScanAsMain.class.getName())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
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

  private static Path codeSource(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static boolean worldReadable(Path p) {
    for (Path q = p; q != null; q = q.getParent()) {
      try {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(q));
        if (perms.charAt(6) != 'r' || perms.charAt(8) != 'x') {
          return false;
        }
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.toString().endsWith(".class")) {
          Files.createDirectories(target.getParent());
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** Makes the temp dir tree readable by nobody (JUnit creates it mode 700). */
  private static void openUp(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.toList()) {
        Files.setPosixFilePermissions(
            f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
  }
}
