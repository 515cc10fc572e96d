package io.sockwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sockwatch.probe.EchoProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The echo peer on real loopback sockets: it echoes lines, drops a connection that sends a line too
 * long to be a probe without disturbing the others, closes connections beyond its limit on arrival
 * and counts them, serves again once a slot frees, and stops serving when closed.
 */
class EchoServerTest {

  /** Every read is bounded: a server that wrongly stays silent fails the test, never hangs it. */
  private static final int READ_TIMEOUT_MS = 5000;

  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private EchoServer server;
  private Future<?> serving;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private void start(int maxConnections) throws IOException {
    server =
        EchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxConnections);
    serving =
        pool.submit(
            () -> {
              server.serve();
              return null;
            });
  }

  @Tag("live")
  @Test
  void echoesEachLineBackWithoutItsLineEnd() throws Exception {
    start(4);
    try (Client c = new Client(server.address())) {
      assertThat(c.exchange("sockwatch-probe 0 0")).isEqualTo("sockwatch-probe 0 0");
      c.send("with a carriage return\r\n");
      assertThat(c.readLine()).isEqualTo("with a carriage return");
      assertThat(c.exchange("")).isEmpty();
      assertThat(c.exchange("x".repeat(EchoProtocol.MAX_LINE))).hasSize(EchoProtocol.MAX_LINE);
    }
    assertThat(server.accepted()).isEqualTo(1);
    assertThat(server.refused()).isZero();
  }

  @Tag("live")
  @Test
  void aLineTooLongClosesOnlyThatConnection() throws Exception {
    start(4);
    try (Client before = new Client(server.address());
        Client talker = new Client(server.address())) {
      assertThat(before.exchange("before")).isEqualTo("before");
      assertThat(talker.exchange("fine")).isEqualTo("fine");
      talker.send("x".repeat(EchoProtocol.MAX_LINE + 1) + "\n");
      assertThat(talker.closedByServer()).isTrue();
      // The server goes on: an older connection still echoes, and a new one is served.
      assertThat(before.exchange("still here")).isEqualTo("still here");
      try (Client after = new Client(server.address())) {
        assertThat(after.exchange("after")).isEqualTo("after");
      }
    }
    assertThat(server.accepted()).isEqualTo(3);
  }

  @Tag("live")
  @Test
  void connectionsBeyondTheLimitAreClosedAndCountedUntilASlotFrees() throws Exception {
    start(2);
    Client first = new Client(server.address());
    try (first;
        Client second = new Client(server.address())) {
      // Both echo, so both hold a slot (the server has accepted them, not just the kernel).
      assertThat(first.exchange("1")).isEqualTo("1");
      assertThat(second.exchange("2")).isEqualTo("2");
      try (Client third = new Client(server.address())) {
        assertThat(third.closedByServer()).isTrue();
      }
      assertThat(server.refused()).isEqualTo(1);
      assertThat(server.accepted()).isEqualTo(2);

      first.close();
      // The slot frees once the server's reader sees the FIN, a moment after close(): until then
      // a newcomer is still refused, so try again for a bounded time.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String echoed = null;
      int tries = 0;
      while (echoed == null && System.nanoTime() < deadline) {
        tries++;
        try (Client late = new Client(server.address())) {
          late.send("late\n");
          echoed = late.readLine();
        } catch (SocketException e) {
          // refused: reset while sending or reading
        }
        if (echoed == null) {
          Thread.sleep(20);
        }
      }
      assertThat(echoed).as("a newcomer is served once a client left").isEqualTo("late");
      assertThat(server.refused()).isEqualTo(tries);
      assertThat(second.exchange("2 again")).isEqualTo("2 again");
    }
  }

  @Tag("live")
  @Test
  void closeMakesServeReturn() throws Exception {
    start(2);
    try (Client c = new Client(server.address())) {
      assertThat(c.exchange("up")).isEqualTo("up");
    }
    server.close();
    serving.get(5, TimeUnit.SECONDS);
    assertThat(serving.isDone()).isTrue();
  }

  @Test
  void aNonPositiveLimitIsRefused() {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    assertThatIllegalArgumentException().isThrownBy(() -> EchoServer.bind(any, 0));
  }

  /** A plain loopback client with bounded reads. */
  private static final class Client implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    Client(InetSocketAddress to) throws IOException {
      socket = new Socket();
      socket.connect(to, READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** The next line; null at end of stream. */
    String readLine() throws IOException {
      return in.readLine();
    }

    String exchange(String line) throws IOException {
      send(line + "\n");
      return readLine();
    }

    /**
     * Whether the server closed this connection: end of stream, or a reset because the server
     * closed with our bytes unread. A silent server throws a timeout instead (not a {@link
     * SocketException}), failing the test.
     */
    boolean closedByServer() throws IOException {
      try {
        return in.read() < 0;
      } catch (SocketException e) {
        return String.valueOf(e.getMessage()).contains("reset");
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
