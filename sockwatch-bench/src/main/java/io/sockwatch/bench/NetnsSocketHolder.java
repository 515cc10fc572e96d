package io.sockwatch.bench;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.netns.NetnsExecutor;
import io.sockwatch.netns.NetnsInventory;
import io.sockwatch.netns.NetnsTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker process that holds a listener and {@code PAIRS} ESTABLISHED loopback pairs in each named
 * namespace: {@code NetnsSocketHolder PAIRS NAME...}. One process cannot hold 50 x 1k descriptors
 * under the usual {@code ulimit -n}, so {@link SocketHolders} spreads the namespaces over a few of
 * these. A socket belongs to the namespace its creating thread is in, so the pairs are opened on
 * the executor's thread inside each. Prints {@code ready} once all are open, then holds them until
 * its stdin closes (the benchmark closing it, or dying).
 */
public final class NetnsSocketHolder {
  private NetnsSocketHolder() {}

  public static void main(String[] args) throws Exception {
    int pairs = Integer.parseInt(args[0]);
    NetnsInventory inventory = NetnsInventory.read(Path.of("/"));
    List<AutoCloseable> open = new ArrayList<>();
    try (NetnsExecutor executor = new NetnsExecutor()) {
      for (int i = 1; i < args.length; i++) {
        String name = args[i];
        NetworkNamespace n =
            inventory
                .byName(name)
                .orElseThrow(() -> new IllegalStateException("no namespace " + name));
        NetnsTarget target = new NetnsTarget(n.label(), n.inode(), n.wayIn(), n.procNetDirectory());
        open.addAll(executor.callIn(target, () -> openPairs(pairs)));
      }
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() >= 0) {
        // holds the sockets until the benchmark closes stdin
      }
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }

  /**
   * A listener on 127.0.0.1 and {@code pairs} connected pairs, in the calling thread's namespace.
   */
  private static List<AutoCloseable> openPairs(int pairs) throws SourceUnavailableException {
    List<AutoCloseable> open = new ArrayList<>(2 * pairs + 1);
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      open.add(listener);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), pairs + 1);
      for (int i = 0; i < pairs; i++) {
        open.add(SocketChannel.open(listener.getLocalAddress()));
        open.add(listener.accept());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return open;
  }
}
