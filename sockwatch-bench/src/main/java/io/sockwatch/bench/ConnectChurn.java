package io.sockwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loopback connections opened and closed as fast as a few threads can: each client thread connects
 * to a local listener and closes at once, again and again; the listener's threads accept, read to
 * the client's FIN and close. The client closes first, so every connection takes the whole path of
 * a polling prober (SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, TIME_WAIT on the client; SYN_RECV,
 * ESTABLISHED, CLOSE_WAIT, LAST_ACK on the server): the state changes a connection tracer sees.
 */
final class ConnectChurn implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Thread> acceptors = new ArrayList<>();

  /** What one run did. */
  record Result(long connects, long failures, long nanos) {
    double perSecond() {
      return connects / (nanos / 1e9);
    }
  }

  private ConnectChurn(ServerSocket server, int acceptorThreads) {
    this.server = server;
    this.target = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    for (int i = 0; i < acceptorThreads; i++) {
      acceptors.add(Thread.ofPlatform().daemon().name("churn-accept-" + i).start(this::accept));
    }
  }

  /** A listener on 127.0.0.1 (a free port) with {@code acceptorThreads} threads. */
  static ConnectChurn open(int acceptorThreads) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    return new ConnectChurn(server, acceptorThreads);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connects and closes from {@code clients} threads for {@code length}; blocks until done. */
  Result run(int clients, Duration length) throws InterruptedException {
    LongAdder connects = new LongAdder();
    LongAdder failures = new LongAdder();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      threads.add(
          Thread.ofPlatform()
              .name("churn-client-" + i)
              .start(() -> connectUntil(end, connects, failures)));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Result(connects.sum(), failures.sum(), System.nanoTime() - start);
  }

  private void connectUntil(long end, LongAdder connects, LongAdder failures) {
    long ok = 0;
    long failed = 0;
    while (System.nanoTime() < end) {
      try (Socket s = new Socket()) {
        s.connect(target);
        ok++;
      } catch (IOException e) {
        failed++; // e.g. no local port free: counted, and shown with the round
      }
    }
    connects.add(ok);
    failures.add(failed);
  }

  private void accept() {
    byte[] buf = new byte[64];
    while (!server.isClosed()) {
      try (Socket s = server.accept();
          InputStream in = s.getInputStream()) {
        while (in.read(buf) >= 0) {
          // until the client's FIN: the client closes first
        }
      } catch (SocketException e) {
        // the listener closed (end of the benchmark) or the client reset
      } catch (IOException e) {
        // one connection went wrong; the next accept goes on
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Thread t : acceptors) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
