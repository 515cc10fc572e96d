package io.sockwatch.netns;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import java.nio.file.Path;

/**
 * Run as user nobody by {@link NetnsSourcesUnprivilegedTest}: takes the inventory, reads the named
 * namespace with each source and prints one {@code key=value} line per outcome.
 */
public final class NetnsReadAsMain {
  private NetnsReadAsMain() {}

  public static void main(String[] args) throws Exception {
    NetnsInventory inventory = NetnsInventory.read(Path.of("/"));
    System.out.println("denied=" + inventory.processesDenied());
    NetworkNamespace ns = inventory.byName(args[0]).orElseThrow();
    System.out.println("found=" + ns.inode());
    try (NetnsExecutor executor = new NetnsExecutor()) {
      NetnsSources sources =
          new NetnsSources(
              executor, new NetnsTarget(ns.label(), ns.inode(), ns.wayIn(), ns.procNetDirectory()));
      for (SocketTableSource source : new SocketTableSource[] {sources.netlink(), sources.proc()}) {
        try {
          System.out.println(
              source.name() + "-sockets=" + source.read(ScanRequest.all()).sockets().size());
        } catch (SourceUnavailableException e) {
          System.out.println(source.name() + "-error=" + e.getMessage());
        }
      }
      for (Unavailable u : sources.readNode().unavailable()) {
        System.out.println("node-unavailable=" + u);
      }
    }
  }
}
