package io.sockwatch.kernel.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The source when the kernel will not give it a socket: a sentence for the user, no trace. */
@Tag("live")
class NetlinkSockDiagSourceFailureTest {

  @Test
  void noSocketMeansSourceUnavailableWithTheErrnoInWords() throws Exception {
    // In a child JVM, because the probe uses up every file descriptor of its process.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                FdExhaustionProbe.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(out)
        .isEqualTo("Cannot open a netlink sock_diag socket: Too many open files (EMFILE).");
    assertThat(p.exitValue()).isZero();
  }
}
