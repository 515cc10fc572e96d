package io.sockwatch.kernel.sockdiag;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Real loopback TCP sockets in chosen states, all closed by {@link #close()}. Channels are opened
 * with an explicit protocol family because plain {@code java.net.Socket}s are dual-stack IPv6
 * sockets even for 127.0.0.1, and the tests need genuine AF_INET ones too.
 */
final class LoopbackSockets implements AutoCloseable {

  /** Both ends of one connection; {@code client} made the connect call. */
  record Pair(SocketChannel client, SocketChannel server) {}

  private final List<AutoCloseable> open = new ArrayList<>();

  /** A listener on {@code address} (e.g. 127.0.0.1, ::1, :: for dual-stack), any free port. */
  ServerSocketChannel listen(ProtocolFamily family, String address) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(family);
    open.add(s);
    s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
    return s;
  }

  /** An ESTABLISHED pair to {@code listener} from a client of {@code family} at {@code host}. */
  Pair connect(ServerSocketChannel listener, ProtocolFamily family, String host)
      throws IOException {
    SocketChannel client = SocketChannel.open(family);
    open.add(client);
    int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
    client.connect(new InetSocketAddress(InetAddress.getByName(host), port));
    SocketChannel server = listener.accept();
    open.add(server);
    return new Pair(client, server);
  }

  /** Sends a few bytes each way so that tcp_info has traffic counters and an RTT sample. */
  static void exchange(Pair pair) throws IOException {
    transfer(pair.client(), pair.server(), 1000);
    transfer(pair.server(), pair.client(), 200);
  }

  /**
   * A pair whose client closed first and then saw the server close: the client side goes to
   * TIME_WAIT (the server side is gone).
   */
  Pair timeWait(ServerSocketChannel listener, ProtocolFamily family, String host)
      throws IOException {
    Pair p = connect(listener, family, host);
    p.client().close();
    p.server().close();
    return p;
  }

  /**
   * A pair whose client closed while the server side stays open: the server side sits in
   * CLOSE_WAIT, the client in FIN_WAIT2.
   */
  Pair closeWait(ServerSocketChannel listener, ProtocolFamily family, String host)
      throws IOException {
    Pair p = connect(listener, family, host);
    p.client().close();
    return p;
  }

  static int port(NetworkChannel channel) throws IOException {
    return ((InetSocketAddress) channel.getLocalAddress()).getPort();
  }

  private static void transfer(SocketChannel from, SocketChannel to, int n) throws IOException {
    from.write(ByteBuffer.allocate(n));
    ByteBuffer in = ByteBuffer.allocate(n);
    while (in.hasRemaining()) {
      if (to.read(in) < 0) {
        throw new IOException("peer closed after " + in.position() + " of " + n + " bytes");
      }
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        first = first != null ? first : new IOException(e);
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
