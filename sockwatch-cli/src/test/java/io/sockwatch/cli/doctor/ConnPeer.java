package io.sockwatch.cli.doctor;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;

/**
 * A tiny peer the connection-detector live tests start inside their network namespace (as its own
 * process, so the doctor attributes its sockets to it). Every mode prints one line once its sockets
 * exist, then keeps them until its stdin closes or it is killed. All addresses are 127.0.0.1.
 *
 * <ul>
 *   <li>{@code serve PORT}: listen and accept, reading and discarding whatever arrives.
 *   <li>{@code listen PORT BACKLOG}: listen with this backlog and never accept.
 *   <li>{@code connect PORT [keepidle=S] [every=MS]}: one connection that sends one byte; with
 *       {@code keepidle} it has SO_KEEPALIVE with TCP_KEEPIDLE and TCP_KEEPINTERVAL of S seconds,
 *       with {@code every} it sends a byte every MS milliseconds. Prints {@code connected PORT}
 *       with its local port.
 *   <li>{@code attempt PORT N [every=MS]}: N non-blocking connects that are never finished; with
 *       {@code every} one more attempt every MS milliseconds (at most 600). Prints {@code
 *       attempting}.
 *   <li>{@code stream PORT}: one connection that writes 1000 bytes every 2 ms. Prints {@code
 *       connected PORT} with its local port.
 * </ul>
 */
public final class ConnPeer {

  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  private ConnPeer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    List<Object> keep = new ArrayList<>();
    int port = Integer.parseInt(args[1]);
    InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
    switch (args[0]) {
      case "serve" -> {
        ServerSocketChannel server = ServerSocketChannel.open().bind(target);
        keep.add(server);
        daemon(() -> acceptLoop(server));
        out.println("ready");
      }
      case "listen" -> {
        keep.add(ServerSocketChannel.open().bind(target, Integer.parseInt(args[2])));
        out.println("ready");
      }
      case "connect" -> {
        SocketChannel c = SocketChannel.open();
        long every = 0;
        for (int i = 2; i < args.length; i++) {
          if (args[i].startsWith("keepidle=")) {
            int s = Integer.parseInt(args[i].substring(9));
            c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            c.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, s);
            c.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, s);
          } else if (args[i].startsWith("every=")) {
            every = Long.parseLong(args[i].substring(6));
          }
        }
        c.bind(LOOPBACK).connect(target);
        c.write(ByteBuffer.wrap(new byte[] {'x'}));
        keep.add(c);
        if (every > 0) {
          long ms = every;
          daemon(() -> writeEvery(c, ms, 1));
        }
        out.println("connected " + ((InetSocketAddress) c.getLocalAddress()).getPort());
      }
      case "attempt" -> {
        int n = Integer.parseInt(args[2]);
        for (int i = 0; i < n; i++) {
          keep.add(attempt(target));
        }
        if (args.length > 3 && args[3].startsWith("every=")) {
          long ms = Long.parseLong(args[3].substring(6));
          daemon(() -> attemptEvery(target, ms, keep));
        }
        out.println("attempting");
      }
      case "stream" -> {
        SocketChannel c = SocketChannel.open(target);
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        keep.add(c);
        daemon(() -> writeEvery(c, 2, 1000));
        out.println("connected " + ((InetSocketAddress) c.getLocalAddress()).getPort());
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    out.flush();
    // Hold the sockets until the test closes our stdin (or kills us).
    while (System.in.read() >= 0) {
      // discard
    }
    synchronized (keep) {
      keep.clear();
    }
  }

  private static SocketChannel attempt(InetSocketAddress target) {
    try {
      SocketChannel c = SocketChannel.open();
      c.configureBlocking(false);
      c.bind(LOOPBACK);
      c.connect(target);
      return c;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void attemptEvery(InetSocketAddress target, long ms, List<Object> keep) {
    for (int i = 0; i < 600; i++) {
      pause(ms);
      SocketChannel c = attempt(target);
      synchronized (keep) {
        keep.add(c);
      }
    }
  }

  private static void acceptLoop(ServerSocketChannel server) {
    try {
      while (true) {
        SocketChannel c = server.accept();
        daemon(() -> drain(c));
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void drain(SocketChannel c) {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    try {
      while (c.read(buf.clear()) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // peer gone
    }
  }

  private static void writeEvery(SocketChannel c, long ms, int bytes) {
    ByteBuffer data = ByteBuffer.allocate(bytes);
    try {
      while (true) {
        c.write(data.clear());
        pause(ms);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }
}
