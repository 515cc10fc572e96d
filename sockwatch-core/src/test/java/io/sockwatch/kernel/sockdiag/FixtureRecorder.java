package io.sockwatch.kernel.sockdiag;

import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_CONG;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_INFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_SKMEMINFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.extBit;
import static java.net.StandardProtocolFamily.INET;
import static java.net.StandardProtocolFamily.INET6;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;

/**
 * Records the raw sock_diag replies of a real dump (with tcp_info, skmem and congestion) for {@link
 * SockDiagParserTest}, next to what {@code ss} printed right after.
 *
 * <p>Run it in a fresh network namespace so that the fixture holds only its own sockets:
 *
 * <pre>
 * unshare -n sh -c 'ip link set lo up &amp;&amp; java --enable-native-access=ALL-UNNAMED \
 *   -cp sockwatch-core/target/classes:sockwatch-core/target/test-classes \
 *   io.sockwatch.kernel.sockdiag.FixtureRecorder \
 *   sockwatch-core/src/test/resources/io/sockwatch/kernel/sockdiag 6.18'
 * </pre>
 *
 * <p>Sockets: an IPv4 listener with an ESTABLISHED pair (1000 bytes one way, 200 back), a TIME_WAIT
 * and a CLOSE_WAIT/FIN_WAIT2 pair on it; an IPv6 {@code ::1} listener with an ESTABLISHED pair; a
 * dual-stack {@code [::]} listener reached by an IPv4 client (so the server side is {@code
 * ::ffff:127.0.0.1} under AF_INET6). Files: {@code dump-TAG-inet.bin} and {@code
 * dump-TAG-inet6.bin} (the concatenated replies of one family's dump, ending in NLMSG_DONE), {@code
 * dump-TAG.ss-tan.txt} ({@code ss -tanH}) and {@code dump-TAG.ss-tiem.txt} ({@code ss -tanHiem}).
 */
public final class FixtureRecorder {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String tag = args[1];
    try (LoopbackSockets sockets = new LoopbackSockets()) {
      ServerSocketChannel listener4 = sockets.listen(INET, "127.0.0.1");
      LoopbackSockets.exchange(sockets.connect(listener4, INET, "127.0.0.1"));
      sockets.timeWait(listener4, INET, "127.0.0.1");
      sockets.closeWait(listener4, INET, "127.0.0.1");
      ServerSocketChannel listener6 = sockets.listen(INET6, "::1");
      LoopbackSockets.exchange(sockets.connect(listener6, INET6, "::1"));
      ServerSocketChannel dualStack = sockets.listen(INET6, "::");
      LoopbackSockets.exchange(sockets.connect(dualStack, INET, "127.0.0.1"));
      Poll.until(
          Duration.ofSeconds(5),
          "TIME-WAIT and FIN-WAIT-2",
          () ->
              SsTan.run("ss", "-tanH").contains("TIME-WAIT")
                  && SsTan.run("ss", "-tanH").contains("FIN-WAIT-2"));

      int states = ScanRequest.allWithDetails().kernelStateMask();
      int ext = extBit(INET_DIAG_INFO) | extBit(INET_DIAG_SKMEMINFO) | extBit(INET_DIAG_CONG);
      for (AddressFamily family : AddressFamily.values()) {
        String suffix = family == AddressFamily.INET ? "inet" : "inet6";
        Files.write(dir.resolve("dump-" + tag + "-" + suffix + ".bin"), dump(family, states, ext));
      }
      Files.writeString(dir.resolve("dump-" + tag + ".ss-tan.txt"), SsTan.run("ss", "-tanH"));
      Files.writeString(dir.resolve("dump-" + tag + ".ss-tiem.txt"), SsTan.run("ss", "-tanHiem"));
    }
  }

  private static byte[] dump(AddressFamily family, int states, int ext) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SockDiagChannel channel = new SockDiagChannel(64 * 1024, Duration.ofSeconds(5))) {
      channel.startDump(family, states, ext);
      SockDiagParser parser = new SockDiagParser();
      SockDiagParser.Outcome outcome = SockDiagParser.Outcome.MORE;
      while (outcome == SockDiagParser.Outcome.MORE) {
        int n = channel.receive();
        out.write(channel.buffer(), 0, n);
        outcome = parser.parse(channel.buffer(), n, new ArrayList<>());
      }
      if (outcome != SockDiagParser.Outcome.DONE || !parser.problems().isEmpty()) {
        throw new IOException("dump failed: " + parser.problems().toUnavailable(family.name()));
      }
    }
    return out.toByteArray();
  }
}
