package io.sockwatch.netns;

import io.sockwatch.model.NetworkNamespace;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.snapshot.NetnsChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides which network namespaces a {@link NetnsChoice} names on the live node, once per scan: the
 * inventory, the choice and the host rule meet here and nowhere else.
 *
 * <p>The plain paths stay cheap: {@code self}, and {@code host} when the caller runs in the host's
 * namespace (two readlinks tell), read the caller's own namespace without taking an inventory.
 * Without privilege the host's link is unreadable; {@code host} then reads the own namespace and
 * says so.
 */
public final class NamespaceChooser {

  private final Path root;
  private final NetnsFiles files;

  /** Chooses among the namespaces under {@code <root>/proc} and {@code <root>/run/netns}. */
  public NamespaceChooser(Path root) {
    this.root = root;
    this.files = new ProcNetnsFiles(root);
  }

  /**
   * The namespaces to read for {@code choice}.
   *
   * @throws SourceUnavailableException when the choice names no namespace on the node
   */
  public ChosenNamespaces choose(NetnsChoice choice) throws SourceUnavailableException {
    if (choice.kind() == NetnsChoice.Kind.SELF) {
      return ChosenNamespaces.own(List.of());
    }
    if (choice.kind() == NetnsChoice.Kind.HOST) {
      OptionalLong host = HostNamespace.inode(files);
      if (host.isEmpty()) {
        return ChosenNamespaces.own(
            List.of(
                new Unavailable(
                    "host network namespace",
                    "neither pid 1's nor kthreadd's namespace link is readable (not root?);"
                        + " read this process's own namespace instead")));
      }
      if (host.equals(HostNamespace.own(files))) {
        return ChosenNamespaces.own(List.of());
      }
    }
    NetnsInventory inventory = NetnsInventory.read(files);
    List<NetworkNamespace> chosen = select(choice, inventory, root.resolve("proc"));
    if (chosen.isEmpty()) {
      throw new SourceUnavailableException(
          "no network namespace '"
              + choice.describe()
              + "' (found "
              + inventory.namespaces().size()
              + "; `lsns -t net` lists them)");
    }
    if (chosen.size() == 1 && chosen.getFirst().current()) {
      // A node with one namespace (or a choice of the own one): nothing to tell apart.
      return ChosenNamespaces.own(List.of());
    }
    return new ChosenNamespaces(false, chosen, inventory.unavailable());
  }

  /**
   * The namespaces {@code choice} names in {@code inventory}: every one for {@code all} (the host's
   * first), else the one named, or none when it does not exist.
   *
   * @param procDir the /proc to read a process's own link from when the inventory capped its pids
   */
  static List<NetworkNamespace> select(NetnsChoice choice, NetnsInventory inventory, Path procDir) {
    return switch (choice.kind()) {
      case ALL -> inventory.namespaces();
      case HOST -> inventory.host().stream().toList();
      case SELF -> inventory.namespaces().stream().filter(NetworkNamespace::current).toList();
      case INODE -> inventory.byInode(choice.inode()).stream().toList();
      case NAME -> inventory.byName(choice.name()).stream().toList();
      case PID -> byPid(choice.pid(), inventory, procDir).stream().toList();
    };
  }

  private static Optional<NetworkNamespace> byPid(int pid, NetnsInventory inventory, Path procDir) {
    Optional<NetworkNamespace> listed =
        inventory.namespaces().stream().filter(n -> n.pids().contains(pid)).findFirst();
    if (listed.isPresent()) {
      return listed;
    }
    // Beyond the inventory's per-namespace cap of pids: read the process's own link.
    try {
      String link =
          Files.readSymbolicLink(procDir.resolve(Integer.toString(pid)).resolve("ns/net"))
              .toString();
      long found = NetnsLinkText.inodeOf(link);
      return found > 0 ? inventory.byInode(found) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
