package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.kernel.netns.NetnsExecutor;
import io.sockwatch.process.netns.NetnsInventory;
import io.sockwatch.process.netns.NetnsLinkText;
import io.sockwatch.process.netns.NetworkNamespace;
import io.sockwatch.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --netns}: which network namespace {@code snapshot} and {@code doctor} read. {@code self}
 * (the default) is the namespace sockwatch runs in, which on a node is the host's, so nothing
 * changes for a plain run; the others name a namespace found in the inventory of {@code
 * /proc/<pid>/ns/net} and {@code /run/netns}. Reading every namespace at once is the next step.
 */
final class NetnsOption {

  private NetnsOption() {}

  static OptionSpec spec() {
    return value(
        "self|host|INODE|NAME|pid:PID",
        "self",
        "Network namespace to read: this one, pid 1's, by inode, by ip-netns name, or a"
            + " process's.",
        "--netns");
  }

  /**
   * The reader for the namespace {@code --netns} names.
   *
   * @throws UsageException when it names no namespace, or is combined with a recorded --root
   */
  static SnapshotReader reader(ParsedArgs args) {
    String choice = args.value("--netns").trim();
    Path root = Path.of(args.value("--root"));
    if (choice.equals("self")) {
      return SnapshotReader.forRoot(root);
    }
    if (!root.equals(Path.of("/"))) {
      throw new UsageException("--netns reads live namespaces; it cannot be combined with --root");
    }
    NetnsInventory inventory = NetnsInventory.read(root);
    NetworkNamespace ns =
        find(inventory, choice)
            .orElseThrow(
                () ->
                    new UsageException(
                        "--netns: no network namespace '"
                            + choice
                            + "' (found "
                            + inventory.namespaces().size()
                            + "; `lsns -t net` lists them)"));
    // The executor's thread lives as long as this command; the process exits after it.
    return SnapshotReader.forNamespace(ns, new NetnsExecutor());
  }

  private static Optional<NetworkNamespace> find(NetnsInventory inventory, String choice) {
    if (choice.equals("host")) {
      return inventory.host();
    }
    if (choice.startsWith("pid:")) {
      int pid;
      try {
        pid = Integer.parseInt(choice.substring(4));
      } catch (NumberFormatException e) {
        throw new UsageException("--netns pid:PID takes a process id, not '" + choice + "'");
      }
      return inventory.namespaces().stream()
          .filter(n -> n.pids().contains(pid))
          .findFirst()
          .or(() -> byPidLink(inventory, pid));
    }
    if (!choice.isEmpty() && choice.chars().allMatch(Character::isDigit)) {
      try {
        return inventory.byInode(Long.parseLong(choice));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return inventory.byName(choice);
  }

  /** A pid beyond the inventory's per-namespace cap: read its own namespace link. */
  private static Optional<NetworkNamespace> byPidLink(NetnsInventory inventory, int pid) {
    try {
      String link =
          Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "net")).toString();
      long inode = NetnsLinkText.inodeOf(link);
      return inode > 0 ? inventory.byInode(inode) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
