package io.sockwatch.netns;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.Unavailable;
import io.sockwatch.process.Privilege;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The network namespaces on the node: every distinct {@code /proc/PID/ns/net} target plus the names
 * under {@code /run/netns} (a named namespace may hold no process). Containers are found through
 * their processes, {@code ip netns} namespaces through their names.
 *
 * <p>Taking it never throws: processes that exit during the walk are counted as vanished, ones the
 * caller may not inspect (another user's, when not root) as denied, and anything else that could
 * not be read is listed in {@link #unavailable()}. It costs one readlink per process (about 2 us
 * each), so a node of 10,000 processes is walked in a few tens of milliseconds.
 *
 * <p>The host's namespace is the one {@link HostNamespace} names.
 *
 * @param namespaces the host's first (when known), then by inode
 * @param processes process entries found under /proc
 * @param processesVanished processes that exited before their link was read
 * @param processesDenied processes whose namespace the caller may not see
 * @param processesFailed processes whose link could not be read for another reason
 * @param unavailable what could not be read and why
 */
public record NetnsInventory(
    List<NetworkNamespace> namespaces,
    int processes,
    int processesVanished,
    int processesDenied,
    int processesFailed,
    List<Unavailable> unavailable) {

  /** Pids kept per namespace; the count is always exact. */
  public static final int MAX_PIDS = 16;

  public NetnsInventory {
    namespaces = List.copyOf(namespaces);
    unavailable = List.copyOf(unavailable);
  }

  /** Takes the inventory of {@code <root>/proc} and {@code <root>/run/netns}. */
  public static NetnsInventory read(Path root) {
    return read(new ProcNetnsFiles(root));
  }

  static NetnsInventory read(NetnsFiles files) {
    List<Unavailable> unavailable = new ArrayList<>();
    NetnsGrouping grouping = new NetnsGrouping(MAX_PIDS);
    int[] pids;
    try {
      pids = files.pids();
    } catch (IOException e) {
      unavailable.add(new Unavailable("process list", reason(e)));
      pids = new int[0];
    }
    int vanished = 0;
    int denied = 0;
    int failed = 0;
    String firstFailure = null;
    for (int pid : pids) {
      long inode;
      try {
        inode = NetnsLinkText.inodeOf(files.netLink(pid));
      } catch (NoSuchFileException e) {
        vanished++;
        continue;
      } catch (AccessDeniedException e) {
        denied++;
        continue;
      } catch (IOException e) {
        failed++;
        firstFailure = firstFailure != null ? firstFailure : "pid " + pid + ": " + reason(e);
        continue;
      }
      if (inode == NetnsLinkText.NOT_NETNS) {
        failed++;
        firstFailure =
            firstFailure != null ? firstFailure : "pid " + pid + ": not a net:[N] namespace link";
        continue;
      }
      grouping.addProcess(inode, pid, files.netLinkPath(pid), files.procNetDirectory(pid));
    }
    addNames(files, grouping, unavailable);
    if (denied > 0) {
      unavailable.add(
          new Unavailable(
              "network namespaces of " + denied + " processes",
              Privilege.runningAsRoot()
                  ? "permission denied even to root, so a sandbox or security module hides them"
                  : "permission denied (only root sees other users' processes' namespaces)"));
    }
    if (firstFailure != null) {
      unavailable.add(
          new Unavailable(
              "network namespaces of " + failed + " processes",
              "unreadable, first " + firstFailure));
    }
    long host = HostNamespace.inode(files).orElse(NetnsLinkText.NOT_NETNS);
    if (host == NetnsLinkText.NOT_NETNS && pids.length > 0) {
      unavailable.add(
          new Unavailable(
              "host network namespace",
              "neither pid 1's nor kthreadd's namespace link was readable"));
    }
    long current = HostNamespace.own(files).orElse(NetnsLinkText.NOT_NETNS);
    return new NetnsInventory(
        grouping.build(host, current), pids.length, vanished, denied, failed, unavailable);
  }

  private static void addNames(
      NetnsFiles files, NetnsGrouping grouping, List<Unavailable> unavailable) {
    List<String> names;
    try {
      names = files.names();
    } catch (IOException e) {
      unavailable.add(new Unavailable(files.namedPath("").toString(), reason(e)));
      return;
    }
    OptionalLong nsfs = files.nsfsDevice();
    for (String name : names) {
      Path path = files.namedPath(name);
      long[] inodeAndDevice;
      try {
        inodeAndDevice = files.statNamed(name);
      } catch (NoSuchFileException e) {
        continue; // deleted since the directory was listed
      } catch (IOException e) {
        unavailable.add(new Unavailable(path.toString(), reason(e)));
        continue;
      }
      if (nsfs.isPresent() && inodeAndDevice[1] != nsfs.getAsLong()) {
        unavailable.add(
            new Unavailable(path.toString(), "not a mounted network namespace (a stale name)"));
        continue;
      }
      grouping.addName(inodeAndDevice[0], name, path);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "missing";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    return "read error: " + (message == null ? e.getClass().getSimpleName() : message);
  }

  /** The namespace of pid 1, if it could be read. */
  public Optional<NetworkNamespace> host() {
    return namespaces.stream().filter(NetworkNamespace::host).findFirst();
  }

  /** The namespace with this inode, if found. */
  public Optional<NetworkNamespace> byInode(long inode) {
    return namespaces.stream().filter(n -> n.inode() == inode).findFirst();
  }

  /** The namespace named {@code name} under /run/netns, if found. */
  public Optional<NetworkNamespace> byName(String name) {
    return namespaces.stream().filter(n -> n.names().contains(name)).findFirst();
  }
}
