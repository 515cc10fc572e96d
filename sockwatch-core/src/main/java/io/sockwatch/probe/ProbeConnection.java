package io.sockwatch.probe;

import io.sockwatch.model.probe.Endpoints;
import io.sockwatch.model.probe.PathProblem;
import io.sockwatch.model.probe.TryOutcome;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jdk.net.ExtendedSocketOptions;

/**
 * One probe connection: opened and checked with a first echo, then left idle by its owner, then
 * asked for one more echo. Sends only what the owner asks for, and keepalive only when told, so the
 * idle time is really idle on the wire.
 */
final class ProbeConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int id;
  private final double replySeconds;
  private double handshakeMillis;
  private double firstEchoMillis;
  private int sends;
  private long idleSince;

  private ProbeConnection(Socket socket, int id, double replySeconds) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), EchoProtocol.MAX_LINE);
    this.out = socket.getOutputStream();
    this.id = id;
    this.replySeconds = replySeconds;
  }

  /**
   * Connects and gets a first echo, so a connection that is then left idle is known to have worked.
   *
   * @param keepaliveIdleSeconds 0 for no keepalive
   * @throws PathProblem naming why the path or peer cannot be probed
   * @throws IOException when interrupted (cancelled) meanwhile
   */
  static ProbeConnection open(
      InetSocketAddress target,
      int id,
      double connectSeconds,
      double replySeconds,
      int keepaliveIdleSeconds)
      throws PathProblem, IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      if (keepaliveIdleSeconds > 0) {
        s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, keepaliveIdleSeconds);
        s.setOption(
            ExtendedSocketOptions.TCP_KEEPINTERVAL,
            Math.max(1, Math.min(keepaliveIdleSeconds, 75)));
      }
      long t0 = System.nanoTime();
      try {
        s.connect(target, (int) Math.ceil(connectSeconds * 1000));
      } catch (IOException e) {
        throwIfInterrupted();
        throw PathProblems.ofConnect(e, target, connectSeconds);
      }
      ProbeConnection c = new ProbeConnection(s, id, replySeconds);
      c.handshakeMillis = (System.nanoTime() - t0) / 1e6;
      long t1 = System.nanoTime();
      try {
        c.exchange();
      } catch (IOException e) {
        throwIfInterrupted();
        throw PathProblems.ofFirstEcho(e, target, replySeconds);
      }
      c.idleSince = System.nanoTime();
      c.firstEchoMillis = (c.idleSince - t1) / 1e6;
      return c;
    } catch (PathProblem | IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static void throwIfInterrupted() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("cancelled");
    }
  }

  double handshakeMillis() {
    return handshakeMillis;
  }

  double firstEchoMillis() {
    return firstEchoMillis;
  }

  /** {@link System#nanoTime()} when the last echo arrived: the start of the idle time. */
  long idleSince() {
    return idleSince;
  }

  /** Sends one line and waits for its echo after the idle time; never throws for a dead path. */
  TryOutcome ping() throws InterruptedIOException {
    long t0 = System.nanoTime();
    try {
      exchange();
      return new TryOutcome(
          true,
          "echo",
          String.format(Locale.ROOT, "echo after %.1f ms", (System.nanoTime() - t0) / 1e6));
    } catch (SocketTimeoutException e) {
      return new TryOutcome(false, "silent", "no echo within " + Endpoints.seconds(replySeconds));
    } catch (EOFException e) {
      return new TryOutcome(false, "closed", "closed by the peer or a middlebox (FIN)");
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("cancelled");
      }
      return new TryOutcome(false, "reset", "reset (" + e.getMessage() + ")");
    }
  }

  private void exchange() throws IOException {
    String line = EchoProtocol.ping(id, sends++);
    socket.setSoTimeout((int) Math.ceil(replySeconds * 1000));
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String echo = EchoProtocol.readLine(in);
    if (!echo.equals(line)) {
      String shown = echo.length() > 60 ? echo.substring(0, 60) + "..." : echo;
      throw new IOException("answered '" + printable(shown) + "'");
    }
  }

  /**
   * A stranger's bytes as they may appear in a one-line message: control characters (a carriage
   * return, a terminal escape) and non-ASCII become {@code ?}, so an odd peer cannot rewrite the
   * operator's terminal line.
   */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return b.toString();
  }

  /**
   * Closes with a reset (SO_LINGER 0): a connection the path forgot would otherwise linger in
   * FIN_WAIT1 retransmitting into the middlebox for minutes, and show up as packet loss in {@code
   * doctor}; a live one would leave a TIME_WAIT. A probe leaves nothing behind.
   */
  @Override
  public void close() {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to add: the probe is over
    }
  }
}
