package io.sockwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SsTableTest {

  /** Lines recorded from iproute2 6.1 ss -tanH on this kernel, one of each form it prints. */
  private static final String RECORDED =
      """
      LISTEN 0      128    127.0.0.1:47277   0.0.0.0:*   \s
      ESTAB  0      0      127.0.0.1:56390 127.0.0.1:48529
      LISTEN 0      128                     *:48529                  *:*   \s
      LISTEN 0      128                 [::1]:34161               [::]:*   \s
      LISTEN 0      128                  [::]:51537               [::]:*   \s
      ESTAB  0      0      [::ffff:127.0.0.1]:48529 [::ffff:127.0.0.1]:56390
      ESTAB  0      0                   [::1]:34161              [::1]:46032
      LISTEN 0      128    127.0.0.1%lo:45051   0.0.0.0:*   \s
      LISTEN    0      128            *%lo:44831         *:*   \s
      LISTEN    0      128         [::]%lo:35817      [::]:*   \s
      TIME-WAIT 0      0      127.77.1.10:33475  127.77.1.3:38161
      CLOSE-WAIT 1      0      127.77.1.2:38161  127.77.1.10:40000
      FIN-WAIT-2 0      0      127.77.1.10:40000  127.77.1.2:38161
      SYN-SENT  0      1      10.0.0.2:41000  10.0.0.9:443 users:(("curl",pid=7,fd=3))
      """;

  @Test
  void recordedFormsNormaliseToCanonicalKeys() {
    SsTable t = SsTable.parse(RECORDED);

    assertThat(t.ignoredLines()).isZero();
    assertThat(t.entries().stream().map(SsEntry::key))
        .containsExactly(
            "LISTEN 127.0.0.1:47277 0.0.0.0:0",
            "ESTAB 127.0.0.1:56390 127.0.0.1:48529",
            "LISTEN [::]:48529 [::]:0",
            "LISTEN [::1]:34161 [::]:0",
            "LISTEN [::]:51537 [::]:0",
            "ESTAB [::ffff:127.0.0.1]:48529 [::ffff:127.0.0.1]:56390",
            "ESTAB [::1]:34161 [::1]:46032",
            "LISTEN 127.0.0.1:45051 0.0.0.0:0",
            "LISTEN [::]:44831 [::]:0",
            "LISTEN [::]:35817 [::]:0",
            "TIME-WAIT 127.77.1.10:33475 127.77.1.3:38161",
            "CLOSE-WAIT 127.77.1.2:38161 127.77.1.10:40000",
            "FIN-WAIT-2 127.77.1.10:40000 127.77.1.2:38161",
            "SYN-SENT 10.0.0.2:41000 10.0.0.9:443");
  }

  @Test
  void countsAndTupleKeysAreMultisets() {
    SsTable t =
        SsTable.parse(
            """
            TIME-WAIT 0 0 127.0.0.1:1 127.0.0.1:2
            TIME-WAIT 0 0 127.0.0.1:1 127.0.0.1:2
            ESTAB 0 0 127.0.0.1:3 127.0.0.1:4
            """);

    assertThat(t.countsByState()).containsExactly(Map.entry("ESTAB", 1), Map.entry("TIME-WAIT", 2));
    assertThat(t.tupleKeys())
        .containsOnly(
            Map.entry("TIME-WAIT 127.0.0.1:1 127.0.0.1:2", 2),
            Map.entry("ESTAB 127.0.0.1:3 127.0.0.1:4", 1));
    assertThat(t.filter(e -> e.state().equals("ESTAB")).size()).isEqualTo(1);
  }

  @Test
  void linesThatAreNotSocketsAreCountedAndSkipped() {
    SsTable t =
        SsTable.parse(
            """
            State  Recv-Q Send-Q Local Address:Port Peer Address:Port
            tcp ESTAB 0 0 127.0.0.1:3 127.0.0.1:4
            NEW-STATE 0 0 127.0.0.1:3 127.0.0.1:4
            ESTAB x 0 127.0.0.1:3 127.0.0.1:4
            ESTAB 0 0 127.0.0.1:3
            ESTAB 0 0 300.0.0.1:3 127.0.0.1:4

            ESTAB 0 0 127.0.0.1:5 127.0.0.1:6\
            """);

    assertThat(t.ignoredLines()).isEqualTo(6);
    assertThat(t.entries()).containsExactly(new SsEntry("ESTAB", "127.0.0.1:5", "127.0.0.1:6"));
  }

  @Test
  void lineLongerThanTheBufferIsIgnoredWithoutLosingTheNext() throws IOException {
    String huge = "ESTAB 0 0 " + "9".repeat(200_000) + " 127.0.0.1:4\n";
    InputStream in =
        new ByteArrayInputStream(
            (huge + "ESTAB 0 0 127.0.0.1:1 127.0.0.1:2\n").getBytes(StandardCharsets.UTF_8));

    SsTable t = SsTable.parse(in);

    assertThat(t.ignoredLines()).isEqualTo(1);
    assertThat(t.entries()).containsExactly(new SsEntry("ESTAB", "127.0.0.1:1", "127.0.0.1:2"));
  }

  @Tag("live")
  @Test
  void liveReadShowsOurOwnLoopbackSockets() throws IOException {
    try (ServerSocketChannel v4 = ServerSocketChannel.open(StandardProtocolFamily.INET);
        ServerSocketChannel v6 = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
      v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      v6.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      int p4 = ((InetSocketAddress) v4.getLocalAddress()).getPort();
      int p6 = ((InetSocketAddress) v6.getLocalAddress()).getPort();
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.INET6)) {
        c.connect(new InetSocketAddress(InetAddress.getByName("::1"), p6));
        try (SocketChannel accepted = v6.accept()) {
          int cp = ((InetSocketAddress) c.getLocalAddress()).getPort();

          SsTable t = SsTable.read("sport", "=", ":" + p4, "or", "sport", "=", ":" + p6);

          assertThat(t.ignoredLines()).isZero();
          assertThat(t.tupleKeys())
              .containsOnly(
                  Map.entry("LISTEN 127.0.0.1:" + p4 + " 0.0.0.0:0", 1),
                  Map.entry("LISTEN [::1]:" + p6 + " [::]:0", 1),
                  Map.entry("ESTAB [::1]:" + p6 + " [::1]:" + cp, 1));
          assertThat(accepted.isConnected()).isTrue();
        }
      }
    }
  }

  @Tag("live")
  @Test
  void fullLiveTableParsesEveryLine() throws IOException {
    SsTable t = SsTable.read();

    assertThat(t.ignoredLines()).isZero();
    assertThat(t.size()).isPositive();
    assertThat(t.entries().stream().map(SsEntry::state))
        .allMatch(List.of(SsLineParser.STATES)::contains);
  }

  @Tag("live")
  @Test
  void failingSsReportsItsStatusAndMessage() {
    assertThatThrownBy(() -> SsTable.read("no-such-filter-word"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exited with status");
  }

  @Test
  void unsafeNetnsNameIsRejected() {
    assertThatThrownBy(() -> SsTable.readInNetns("../etc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network namespace");
  }
}
