package io.sockwatch.cli.doctor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;

/**
 * The processes of the stalled and peer-stuck live tests, each run as a child JVM in the test's
 * namespace so that the doctor attributes its sockets to it. Every mode prints one line once its
 * sockets exist and then keeps them until its stdin closes or it is killed.
 *
 * <ul>
 *   <li>{@code trio ADDR:PORT KEEPIDLE_S HEARTBEAT_MS}: three connections to a line echo server:
 *       plain, with SO_KEEPALIVE (TCP_KEEPIDLE and TCP_KEEPINTVL of KEEPIDLE_S), and one writing a
 *       heartbeat line every HEARTBEAT_MS. Each sends {@code hello} and reads its echo first, so
 *       the plain one's last ACK comes before the line {@code connected PLAIN KEPT BEAT} (their
 *       local ports). Then stdin commands: {@code write} sends {@value #STALL_LINE_TEXT} (13 bytes)
 *       on the plain connection and prints {@code wrote}; {@code stats} prints {@code stats PLAIN
 *       KEPT BEAT}, the bytes each has received so far.
 *   <li>{@code hold PORT RCVBUF}: listens on 127.0.0.1:PORT with this receive buffer, accepts and
 *       never reads, so its peers meet a zero window. Prints {@code ready}.
 *   <li>{@code fill PORT}: connects to 127.0.0.1:PORT and writes without blocking until the send
 *       buffer takes no more. Prints {@code full LOCALPORT WRITTEN}.
 *   <li>{@code bulk PORT}: connects to 127.0.0.1:PORT and writes 64 KiB blocks as fast as it can.
 *       Prints {@code connected LOCALPORT}.
 * </ul>
 */
public final class StallPeerMain {

  /** What {@code write} sends on the plain connection of {@code trio}. */
  static final String STALL_LINE_TEXT = "stalled-data";

  /** {@link #STALL_LINE_TEXT} and its newline: the bytes that stay unacknowledged. */
  static final int STALL_BYTES = STALL_LINE_TEXT.length() + 1;

  private StallPeerMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    List<Object> keep = new ArrayList<>();
    switch (args[0]) {
      case "trio" -> trio(args, out);
      case "hold" -> {
        ServerSocketChannel server = ServerSocketChannel.open();
        // Set before bind so accepted sockets inherit it (and the window scale fits it).
        server.setOption(StandardSocketOptions.SO_RCVBUF, Integer.parseInt(args[2]));
        server.bind(loopback(Integer.parseInt(args[1])));
        keep.add(server);
        daemon(
            () -> {
              try {
                while (true) {
                  SocketChannel c = server.accept();
                  synchronized (keep) {
                    keep.add(c);
                  }
                }
              } catch (IOException e) {
                // closed
              }
            });
        println(out, "ready");
        holdUntilStdinCloses();
      }
      case "fill" -> {
        SocketChannel c = SocketChannel.open(loopback(Integer.parseInt(args[1])));
        keep.add(c);
        c.configureBlocking(false);
        ByteBuffer block = ByteBuffer.allocate(16 * 1024);
        long written = 0;
        // Bounded: a send buffer is at most a few MiB; 64 MiB means the peer is reading after all.
        for (int n = c.write(block); n > 0 && written < (64L << 20); n = c.write(block.clear())) {
          written += n;
        }
        println(out, "full " + localPort(c) + " " + written);
        holdUntilStdinCloses();
      }
      case "bulk" -> {
        SocketChannel c = SocketChannel.open(loopback(Integer.parseInt(args[1])));
        keep.add(c);
        daemon(
            () -> {
              ByteBuffer block = ByteBuffer.allocate(64 * 1024);
              try {
                while (true) {
                  c.write(block.clear());
                }
              } catch (IOException e) {
                // closed
              }
            });
        println(out, "connected " + localPort(c));
        holdUntilStdinCloses();
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
    synchronized (keep) {
      keep.clear();
    }
  }

  private static void trio(String[] args, PrintStream out) throws Exception {
    int colon = args[1].lastIndexOf(':');
    InetSocketAddress target =
        new InetSocketAddress(
            InetAddress.getByName(args[1].substring(0, colon)),
            Integer.parseInt(args[1].substring(colon + 1)));
    int keepIdle = Integer.parseInt(args[2]);
    long heartbeatMillis = Long.parseLong(args[3]);

    SocketChannel plain = SocketChannel.open();
    SocketChannel kept = SocketChannel.open();
    kept.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    kept.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, keepIdle);
    kept.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, keepIdle);
    SocketChannel beat = SocketChannel.open();
    SocketChannel[] all = {plain, kept, beat};
    AtomicLong[] received = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    for (SocketChannel c : all) {
      c.connect(target);
      c.write(ascii("hello\n"));
    }
    // Read each echo before announcing: the plain connection's last ACK precedes the line.
    for (int i = 0; i < all.length; i++) {
      ByteBuffer buf = ByteBuffer.allocate(6);
      while (buf.hasRemaining()) {
        if (all[i].read(buf) < 0) {
          throw new IOException("echo server closed connection " + i);
        }
      }
      received[i].addAndGet(6);
    }
    for (int i = 0; i < all.length; i++) {
      SocketChannel c = all[i];
      AtomicLong count = received[i];
      daemon(() -> drain(c, count));
    }
    daemon(
        () -> {
          try {
            while (true) {
              Thread.sleep(heartbeatMillis);
              beat.write(ascii("hb\n"));
            }
          } catch (IOException | InterruptedException e) {
            // closed
          }
        });
    println(out, "connected " + localPort(plain) + " " + localPort(kept) + " " + localPort(beat));
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      switch (line.strip()) {
        case "write" -> {
          plain.write(ascii(STALL_LINE_TEXT + "\n"));
          println(out, "wrote");
        }
        case "stats" ->
            println(
                out,
                "stats " + received[0].get() + " " + received[1].get() + " " + received[2].get());
        default -> println(out, "unknown " + line);
      }
    }
  }

  private static void drain(SocketChannel c, AtomicLong count) {
    ByteBuffer buf = ByteBuffer.allocate(4096);
    try {
      for (int n = c.read(buf); n >= 0; n = c.read(buf.clear())) {
        count.addAndGet(n);
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  private static int localPort(SocketChannel c) throws IOException {
    return ((InetSocketAddress) c.getLocalAddress()).getPort();
  }

  private static void println(PrintStream out, String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static void holdUntilStdinCloses() throws IOException {
    while (System.in.read() >= 0) {
      // discard
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }
}
