package io.sockwatch.netns;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.kernel.procfs.ProcNetTcpSource;
import io.sockwatch.kernel.sockdiag.NetlinkSockDiagSource;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The socket table and node counters of one network namespace, read through the same sources as the
 * host's: the netlink source and the counters run on the {@link NetnsExecutor}'s thread inside the
 * namespace (a netlink socket, like a sysctl file, belongs to the namespace of the thread that
 * opens it); the /proc fallback reads {@code /proc/PID/net} of a process in it, which needs no
 * privilege. The caller's own namespace is better read without this class: it costs nothing to
 * enter and is what {@code SnapshotReader.forRoot} reads.
 */
public final class NetnsSources {

  /** The entered thread's view of its namespace's /proc/net files. */
  private static final Path THREAD_NET = Path.of("/proc/thread-self/net");

  private static final Path SYS = Path.of("/proc/sys");

  private final NetnsExecutor executor;
  private final NetnsTarget target;
  private final NetlinkSockDiagSource netlink = new NetlinkSockDiagSource();

  public NetnsSources(NetnsExecutor executor, NetnsTarget target) {
    this.executor = executor;
    this.target = target;
  }

  public NetnsTarget target() {
    return target;
  }

  /**
   * Netlink sock_diag inside the namespace. Throws {@link SourceUnavailableException} naming the
   * namespace when it cannot be entered (gone, not permitted) or netlink fails there.
   */
  public SocketTableSource netlink() {
    return new SocketTableSource() {
      @Override
      public String name() {
        return netlink.name();
      }

      @Override
      public SocketTable read(ScanRequest request) throws SourceUnavailableException {
        return executor.callIn(target, () -> netlink.read(request));
      }
    };
  }

  /**
   * {@code /proc/PID/net/tcp{,6}} of a process in the namespace, read without entering it; or, when
   * no process is known (a named namespace with none), {@code /proc/thread-self/net} from inside.
   */
  public SocketTableSource proc() {
    return new SocketTableSource() {
      @Override
      public String name() {
        return "proc";
      }

      @Override
      public SocketTable read(ScanRequest request) throws SourceUnavailableException {
        if (target.procNetDirectory().isEmpty()) {
          return executor.callIn(
              target, () -> ProcNetTcpSource.ofNetDirectory(THREAD_NET).read(request));
        }
        Path procNet = target.procNetDirectory().get();
        checkStillThere(procNet);
        return ProcNetTcpSource.ofNetDirectory(procNet).read(request);
      }
    };
  }

  /**
   * Counters and sysctls of the namespace, read from inside it. When it cannot be entered, the
   * counters come from {@code /proc/PID/net} and every sysctl is reported unavailable with the
   * reason; never throws. Node-wide sysctls ({@code tcp_mem}, {@code tcp_max_orphans}) are absent
   * inside any namespace but the host's and reported as node-wide, not as zero.
   */
  public NodeStats readNode() {
    try {
      return executor.callIn(target, () -> NodeStatsSource.of(THREAD_NET, SYS).read());
    } catch (SourceUnavailableException e) {
      if (target.procNetDirectory().isPresent()) {
        return NodeStatsSource.countersOnly(
                target.procNetDirectory().get(), "not read: " + e.getMessage())
            .read();
      }
      return new NodeStats(
          Map.of(),
          Map.of(),
          Map.of(),
          KernelTunables.NONE,
          List.of(new Unavailable("counters and sysctls", e.getMessage())));
    }
  }

  /**
   * Fails when the process whose {@code /proc/PID/net} is about to be read has left (or its pid now
   * names a process in another namespace). Unprivileged callers cannot read another user's link;
   * then the read goes ahead unchecked, as {@code /proc/PID/net} itself stays readable.
   */
  private void checkStillThere(Path procNet) throws SourceUnavailableException {
    Path link = procNet.resolveSibling("ns").resolve("net");
    long now;
    try {
      now = NetnsLinkText.inodeOf(Files.readSymbolicLink(link).toString());
    } catch (AccessDeniedException e) {
      return;
    } catch (IOException e) {
      throw new SourceUnavailableException(
          target.describe() + " is gone: its process " + procNet.getParent() + " exited.");
    }
    if (now != target.inode()) {
      throw new SourceUnavailableException(
          target.describe()
              + " is gone: "
              + procNet.getParent()
              + " is now a process of net:["
              + now
              + "].");
    }
  }
}
