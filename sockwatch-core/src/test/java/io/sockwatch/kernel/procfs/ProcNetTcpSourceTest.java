package io.sockwatch.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source over recorded and deliberately damaged trees: partial results, never exceptions. */
class ProcNetTcpSourceTest {

  /** A file only root may write and nobody may read, not even root: sysctl checks mode bits. */
  static final Path UNREADABLE_EVEN_FOR_ROOT = Path.of("/proc/sys/vm/drop_caches");

  @TempDir Path root;

  private Path tcp() {
    return root.resolve("proc/net/tcp");
  }

  private Path tcp6() {
    return root.resolve("proc/net/tcp6");
  }

  @Test
  void readsTheRecordedTreeCompletely() throws Exception {
    ProcNetTcpSource source = ProcNetTcpSource.ofRoot(Fixture618.root());
    SocketTable table = source.read(ScanRequest.all());
    assertThat(source.name()).isEqualTo("proc");
    assertThat(table.source()).isEqualTo("proc");
    assertThat(table.unavailable()).isEmpty();
    assertThat(table.sockets()).hasSize(20);
    assertThat(table.sockets().stream().filter(s -> s.family() == AddressFamily.INET6)).hasSize(7);
  }

  @Test
  void saysWhatItLacksWhenDetailsAreRequested() throws Exception {
    SocketTable table =
        ProcNetTcpSource.ofRoot(Fixture618.root()).read(ScanRequest.allWithDetails());
    assertThat(table.unavailable())
        .containsExactly(
            new Unavailable(
                "tcp_info, skmem, congestion, cookie",
                "the /proc/net/tcp source does not carry them; use --source netlink"));
    assertThat(table.sockets()).hasSize(20);
  }

  @Test
  void filtersStatesAcrossBothFiles() throws Exception {
    ScanRequest timeWait = new ScanRequest(EnumSet.of(TcpState.TIME_WAIT), false);
    SocketTable table = ProcNetTcpSource.ofRoot(Fixture618.root()).read(timeWait);
    assertThat(table.sockets())
        .extracting(SocketRecord::tupleKey)
        .containsExactly(
            "TIME-WAIT 127.0.0.1:41002 127.0.0.1:8082", "TIME-WAIT [::1]:41004 [::1]:8444");
  }

  @Test
  void ofNetDirectoryReadsThatDirectory() throws Exception {
    Fixture618.copyTo(root);
    Path moved = Files.move(root.resolve("proc/net"), root.resolve("netns-copy"));
    SocketTable table = ProcNetTcpSource.ofNetDirectory(moved).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(20);
  }

  @Test
  void missingTcp6MeansIpv6IsOffNotThatTheSourceFailed() throws Exception {
    Fixture618.copyTo(root);
    Files.delete(tcp6());
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(13);
    assertThat(table.unavailable())
        .containsExactly(new Unavailable(tcp6().toString(), "missing (IPv6 disabled?)"));
  }

  @Test
  void missingTcpAloneIsReportedAndTcp6StillRead() throws Exception {
    Fixture618.copyTo(root);
    Files.delete(tcp());
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(7);
    assertThat(table.unavailable()).containsExactly(new Unavailable(tcp().toString(), "missing"));
  }

  @Test
  void bothMissingIsASourceFailureWithASentence() {
    ProcNetTcpSource source = ProcNetTcpSource.ofRoot(root);
    assertThatThrownBy(() -> source.read(ScanRequest.all()))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessage(
            "Cannot read the TCP socket table from /proc: "
                + tcp()
                + " is missing and "
                + tcp6()
                + " is missing (IPv6 disabled?).");
  }

  @Test
  void truncatedFileKeepsTheRowsBeforeTheCut() throws Exception {
    Fixture618.copyTo(root);
    byte[] full = Files.readAllBytes(tcp());
    String text = new String(full, StandardCharsets.ISO_8859_1);
    int cut = text.indexOf("   6: ") + 30;
    Files.write(tcp(), java.util.Arrays.copyOf(full, cut));
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(6 + 7);
    assertThat(table.unavailable())
        .containsExactly(new Unavailable(tcp().toString(), "truncated: last line incomplete"));
  }

  @Test
  void garbledFileIsReportedAndTheOtherFileStillRead() throws Exception {
    Fixture618.copyTo(root);
    byte[] junk = new byte[4096];
    new SplittableRandom(7).nextBytes(junk);
    for (int i = 100; i < junk.length; i += 100) {
      junk[i] = '\n';
    }
    junk[junk.length - 1] = '\n';
    Files.write(tcp(), junk);
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(7);
    assertThat(table.unavailable()).hasSize(1);
    Unavailable u = table.unavailable().get(0);
    assertThat(u.item()).isEqualTo(tcp().toString());
    assertThat(u.reason()).matches("unrecognised format: \\d+ lines skipped, first at line 1");
  }

  @Test
  void newerLayoutWithExtraColumnsParsesFully() throws Exception {
    Fixture618.copyTo(root);
    String wider =
        Files.readString(tcp(), StandardCharsets.ISO_8859_1).replace("\n", " 12 ab new\n");
    Files.writeString(tcp(), wider, StandardCharsets.ISO_8859_1);
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.unavailable()).isEmpty();
    assertThat(table.sockets()).hasSize(20);
  }

  @Test
  void aDirectoryWhereTheFileShouldBeIsAReadError() throws Exception {
    Fixture618.copyTo(root);
    Files.delete(tcp6());
    Files.createDirectory(tcp6());
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.sockets()).hasSize(13);
    assertThat(table.unavailable())
        .containsExactly(new Unavailable(tcp6().toString(), "read error: is a directory"));
  }

  @Test
  void anUnreadableFileIsPermissionDenied() throws Exception {
    Fixture618.copyTo(root);
    Files.delete(tcp6());
    Files.createSymbolicLink(tcp6(), UNREADABLE_EVEN_FOR_ROOT);
    try {
      SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
      assertThat(table.sockets()).hasSize(13);
      assertThat(table.unavailable())
          .containsExactly(new Unavailable(tcp6().toString(), "permission denied"));
    } finally {
      Files.delete(tcp6()); // the link, so that @TempDir cleanup has nothing outside to warn about
    }
  }

  @Test
  void readsAFileLargerThanTheInitialBuffer() throws IOException, SourceUnavailableException {
    Fixture618.copyTo(root);
    String one = Files.readString(tcp(), StandardCharsets.ISO_8859_1);
    String rows = one.substring(one.indexOf('\n') + 1);
    StringBuilder big = new StringBuilder(one);
    for (int i = 0; i < 400; i++) {
      big.append(rows);
    }
    Files.writeString(tcp(), big, StandardCharsets.ISO_8859_1);
    assertThat(Files.size(tcp())).isGreaterThan(512 * 1024);
    SocketTable table = ProcNetTcpSource.ofRoot(root).read(ScanRequest.all());
    assertThat(table.unavailable()).isEmpty();
    assertThat(table.sockets()).hasSize(13 * 401 + 7);
  }
}
