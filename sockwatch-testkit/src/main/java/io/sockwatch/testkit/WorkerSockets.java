package io.sockwatch.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and holds one worker's share of a population, inside the worker process. Both ends of
 * every connection live here, so the worker alone decides when its sockets change state.
 *
 * <p>Each connection is made and finished before the next starts (connect, accept, then the kind's
 * closing steps), and each step that depends on the peer waits for the peer's effect to be visible
 * (the FIN read as end-of-stream) rather than assuming it, so the worker is quiescent when {@link
 * #buildHeld()} and {@link #buildTimeWait()} return. Held sockets get SO_LINGER 0 at once, so
 * however the worker ends, even by SIGKILL, the kernel resets them instead of leaving TIME_WAIT
 * behind.
 */
final class WorkerSockets {

  /** Bound on every connect, accept and end-of-stream wait; loopback answers in microseconds. */
  static final int TIMEOUT_MILLIS = 3000;

  private enum Kind {
    ESTABLISHED("established", WorkerPlan.ESTABLISHED_HOST),
    CLOSE_WAIT("close-wait", WorkerPlan.CLOSE_WAIT_HOST),
    TIME_WAIT("time-wait", WorkerPlan.TIME_WAIT_HOST);

    final String label;
    final int host;

    Kind(String label, int host) {
      this.label = label;
      this.host = host;
    }
  }

  private final WorkerPlan plan;
  private final List<Closeable> held = new ArrayList<>();
  private final InetAddress[] sources = new InetAddress[WorkerPlan.LAST_SOURCE_HOST + 1];
  private int connections;

  WorkerSockets(WorkerPlan plan) {
    this.plan = plan;
  }

  /**
   * Creates the held pairs (established and close-wait); on failure the message says which step,
   * which addresses and how many descriptors were held.
   */
  void buildHeld() throws IOException {
    make(Kind.ESTABLISHED, plan.established());
    make(Kind.CLOSE_WAIT, plan.closeWait());
  }

  /**
   * Creates the time-wait connections. Kept separate because TIME_WAIT lasts only 60 s: the parent
   * asks for them once every worker holds its pairs, so none has expired by the time a long build
   * completes.
   */
  void buildTimeWait() throws IOException {
    make(Kind.TIME_WAIT, plan.timeWait());
  }

  /** Socket descriptors held now (listeners, clients and accepted sockets). */
  int heldDescriptors() {
    return held.size();
  }

  private void make(Kind kind, int count) throws IOException {
    if (count == 0) {
      return;
    }
    InetSocketAddress at = new InetSocketAddress(address(kind.host), plan.port());
    ServerSocket listener = new ServerSocket();
    held.add(listener);
    try {
      listener.setReuseAddress(true);
      listener.bind(at, 1024);
      listener.setSoTimeout(TIMEOUT_MILLIS);
    } catch (IOException e) {
      throw new IOException("cannot listen on " + text(at) + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < count; i++) {
      pair(kind, listener, at);
    }
  }

  private void pair(Kind kind, ServerSocket listener, InetSocketAddress at) throws IOException {
    InetAddress source = nextSource();
    Socket client = new Socket();
    try {
      client.bind(new InetSocketAddress(source, 0));
      client.connect(at, TIMEOUT_MILLIS);
    } catch (IOException e) {
      client.close();
      throw failure(kind, "connect " + source.getHostAddress() + " -> " + text(at), e);
    }
    Socket server;
    try {
      server = listener.accept();
    } catch (IOException e) {
      client.close();
      throw failure(kind, "accept on " + text(at), e);
    }
    switch (kind) {
      case ESTABLISHED -> {
        hold(client);
        hold(server);
      }
      case CLOSE_WAIT -> {
        hold(client);
        hold(server);
        client.shutdownOutput();
        // Once the server has read the FIN, it is in CLOSE_WAIT; its ACK of the FIN has been
        // seen to reach the client (now FIN_WAIT2) at once on loopback, and start() checks
        // the final states with ss anyway.
        awaitEndOfStream(kind, server);
      }
      case TIME_WAIT -> {
        client.close();
        // Closing the server only after it has seen the client's FIN keeps this an active
        // close by the client (one TIME_WAIT), not a simultaneous close (two).
        awaitEndOfStream(kind, server);
        server.close();
      }
    }
  }

  private void awaitEndOfStream(Kind kind, Socket server) throws IOException {
    try {
      server.setSoTimeout(TIMEOUT_MILLIS);
      if (server.getInputStream().read() != -1) {
        throw new IOException("peer sent data instead of FIN");
      }
    } catch (IOException e) {
      server.close();
      throw failure(kind, "waiting for the client's FIN on " + text(server), e);
    }
  }

  private void hold(Socket s) throws IOException {
    held.add(s);
    s.setSoLinger(true, 0);
  }

  private InetAddress nextSource() throws IOException {
    int host = WorkerPlan.FIRST_SOURCE_HOST + connections / plan.perSource();
    connections++;
    if (sources[host] == null) {
      sources[host] = address(host);
    }
    return sources[host];
  }

  private InetAddress address(int host) throws IOException {
    return InetAddress.getByName(plan.address(host));
  }

  private IOException failure(Kind kind, String step, IOException cause) {
    String why =
        cause instanceof SocketTimeoutException
            ? "timed out after " + TIMEOUT_MILLIS + " ms"
            : cause.getMessage();
    return new IOException(
        kind.label + ": " + step + ": " + why + " (holding " + held.size() + " descriptors)",
        cause);
  }

  private static String text(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ':' + a.getPort();
  }

  private static String text(Socket s) {
    return s.getLocalAddress().getHostAddress() + ':' + s.getLocalPort();
  }
}
