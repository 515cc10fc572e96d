package io.sockwatch.cli.doctor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The clients of the leak tests, run as a child process (inside the test's network namespace when
 * there is one). Each connection is bound to a source address, sends data and is closed:
 *
 * <ul>
 *   <li>{@code send}: writes BYTES (blocking; the server's receive window takes them all when BYTES
 *       is at most 64 KiB) and closes, leaving the server side in CLOSE_WAIT with BYTES unread.
 *       Prints {@code sent N} after each connection.
 *   <li>{@code orphan}: writes without blocking until neither the server's window nor the local
 *       send buffer takes more, then closes: the kernel keeps the socket in FIN_WAIT1 with unsent
 *       data, owned by no process (an orphan), after this process exits.
 * </ul>
 *
 * <p>Usage: {@code LeakClientMain send|orphan SERVER PORT SOURCE COUNT BYTES PAUSE_MS} (a pause
 * between connections makes a steady leak)
 */
public final class LeakClientMain {
  private LeakClientMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    boolean orphan = args[0].equals("orphan");
    InetSocketAddress server =
        new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
    InetSocketAddress source = new InetSocketAddress(InetAddress.getByName(args[3]), 0);
    int count = Integer.parseInt(args[4]);
    int bytes = Integer.parseInt(args[5]);
    long pauseMillis = Long.parseLong(args[6]);
    ByteBuffer data = ByteBuffer.allocate(bytes);
    for (int i = 1; i <= count; i++) {
      try (SocketChannel c = SocketChannel.open()) {
        c.bind(source);
        c.connect(server);
        data.clear();
        if (orphan) {
          c.configureBlocking(false);
          while (true) {
            if (!data.hasRemaining()) {
              data.clear();
            }
            if (c.write(data) == 0) {
              break;
            }
          }
        } else {
          while (data.hasRemaining()) {
            c.write(data);
          }
        }
      }
      System.out.println("sent " + i);
      System.out.flush();
      if (pauseMillis > 0) {
        Thread.sleep(pauseMillis);
      }
    }
  }
}
