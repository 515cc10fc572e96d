package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.kernel.netns.NetnsExecutor;
import io.sockwatch.kernel.procfs.NodeStatsSource;
import io.sockwatch.model.NodeStats;
import io.sockwatch.process.netns.NetnsChoice;
import io.sockwatch.process.netns.NetnsInventory;
import io.sockwatch.process.netns.NetworkNamespace;
import io.sockwatch.snapshot.NodeScanner;
import io.sockwatch.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * {@code --netns}: which network namespaces a command reads. {@code all} reads every namespace on
 * the node (each container's and pod's, every {@code ip netns}); {@code host} is pid 1's, {@code
 * self} the one sockwatch runs in; the others name one namespace. {@code doctor} and {@code serve}
 * default to all, since on a node most sockets live in pods; {@code snapshot} defaults to host,
 * like {@code ss}; {@code plan} reads one namespace's port range ({@code self} by default). {@code
 * probe-idle} and {@code echo} open connections rather than read tables: they run inside a
 * namespace with {@code ip netns exec}, as any client would.
 */
final class NetnsOption {

  private NetnsOption() {}

  static OptionSpec spec(String defaultChoice) {
    return value(
        "all|host|self|INODE|NAME|pid:PID",
        defaultChoice,
        "Network namespaces to read: every one, pid 1's, this process's, by inode, by ip-netns"
            + " name, or a process's.",
        "--netns");
  }

  static NetnsChoice choice(ParsedArgs args) {
    try {
      return NetnsChoice.parse(args.value("--netns"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--netns: " + e.getMessage());
    }
  }

  /**
   * Node counters and sysctls of the one namespace {@code --netns} names, for a command that models
   * a single namespace ({@code plan}: its port range). {@code self} reads {@code --root}.
   */
  static NodeStats singleNode(ParsedArgs args) {
    NetnsChoice choice = choice(args);
    Path root = Path.of(args.value("--root"));
    if (choice.kind() == NetnsChoice.Kind.SELF) {
      return new NodeStatsSource(root).read();
    }
    if (!root.equals(Path.of("/"))) {
      throw new UsageException("--netns reads live namespaces; it cannot be combined with --root");
    }
    if (choice.isAll()) {
      throw new UsageException("--netns all: this command models one namespace; name one");
    }
    NetnsInventory inventory = NetnsInventory.read(root);
    NetworkNamespace ns =
        choice.select(inventory, root.resolve("proc")).stream()
            .findFirst()
            .orElseThrow(() -> missing(choice, inventory));
    if (ns.current()) {
      return new NodeStatsSource(root).read();
    }
    try (NetnsExecutor executor = new NetnsExecutor()) {
      return SnapshotReader.forNamespace(ns, executor).readNode();
    }
  }

  private static UsageException missing(NetnsChoice choice, NetnsInventory inventory) {
    return new UsageException(
        "--netns: no network namespace '"
            + choice.describe()
            + "' (found "
            + inventory.namespaces().size()
            + "; `lsns -t net` lists them)");
  }

  /**
   * The scanner for what {@code --netns} chooses, attributing through {@code own} (the reader of
   * sockwatch's own namespace, or of a recorded {@code --root}). A recorded tree has one namespace:
   * the default choice reads it; naming another is a usage error.
   */
  static NodeScanner scanner(ParsedArgs args, SnapshotReader own, String defaultChoice) {
    NetnsChoice choice = choice(args);
    if (!Path.of(args.value("--root")).equals(Path.of("/"))) {
      if (choice.kind() != NetnsChoice.Kind.SELF
          && !choice.equals(NetnsChoice.parse(defaultChoice))) {
        throw new UsageException(
            "--netns reads live namespaces; it cannot be combined with --root");
      }
      return NodeScanner.own(own);
    }
    if (EnumSet.of(NetnsChoice.Kind.INODE, NetnsChoice.Kind.NAME, NetnsChoice.Kind.PID)
        .contains(choice.kind())) {
      NetnsInventory inventory = NetnsInventory.read(Path.of("/"));
      if (choice.select(inventory, Path.of("/proc")).isEmpty()) {
        throw missing(choice, inventory);
      }
    }
    // The executor's thread lives as long as the command (for serve, the process).
    return NodeScanner.of(choice, own, new NetnsExecutor());
  }
}
