package io.sockwatch;

import io.sockwatch.probe.EchoProtocol;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cooperating peer of {@code probe-idle}: echoes every line on every connection and otherwise
 * stays silent. It never enables keepalive and never sends on its own, because any packet it sent
 * would refresh the middlebox's idle timer and hide the timeout being measured.
 *
 * <p>Each connection gets a virtual thread that spends its life blocked in a read, which is what a
 * connection left idle for an hour costs here. Connections beyond {@code maxConnections} are closed
 * at once, so a scanner cannot exhaust the host.
 */
public final class EchoServer implements AutoCloseable {

  private final ServerSocket server;
  private final Semaphore slots;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  private EchoServer(ServerSocket server, int maxConnections) {
    this.server = server;
    this.slots = new Semaphore(maxConnections);
  }

  /**
   * Listens on {@code address}.
   *
   * @throws IOException when the address cannot be bound (in use, not local, no permission)
   */
  public static EchoServer bind(InetSocketAddress address, int maxConnections) throws IOException {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("max connections must be positive");
    }
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(address, 128);
      return new EchoServer(s, maxConnections);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /** Connections accepted and served so far. */
  public long accepted() {
    return accepted.get();
  }

  /** Connections closed at once because {@code maxConnections} were open. */
  public long refused() {
    return refused.get();
  }

  /** Accepts until {@link #close()}; returns then. */
  public void serve() throws IOException {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketException e) {
        if (server.isClosed()) {
          return;
        }
        throw e;
      }
      if (!slots.tryAcquire()) {
        refused.incrementAndGet();
        s.close();
        continue;
      }
      accepted.incrementAndGet();
      Thread.ofVirtual().name("echo-", accepted.get()).start(() -> echo(s));
    }
  }

  private void echo(Socket s) {
    try (s) {
      s.setOption(StandardSocketOptions.SO_KEEPALIVE, false);
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), EchoProtocol.MAX_LINE);
      OutputStream out = s.getOutputStream();
      while (true) {
        String line = EchoProtocol.readLine(in);
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // The peer left, or sent a line too long to be a probe: either way this connection is done.
    } finally {
      slots.release();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
