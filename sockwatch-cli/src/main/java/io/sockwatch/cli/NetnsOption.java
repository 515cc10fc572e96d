package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.kernel.netns.NetnsExecutor;
import io.sockwatch.process.netns.NetnsChoice;
import io.sockwatch.process.netns.NetnsInventory;
import io.sockwatch.snapshot.NodeScanner;
import io.sockwatch.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * {@code --netns}: which network namespaces a command reads. {@code all} reads every namespace on
 * the node (each container's and pod's, every {@code ip netns}); {@code host} is pid 1's, {@code
 * self} the one sockwatch runs in; the others name one namespace. {@code doctor} and {@code serve}
 * default to all, since on a node most sockets live in pods; {@code snapshot} defaults to host,
 * like {@code ss}.
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
        throw new UsageException(
            "--netns: no network namespace '"
                + choice.describe()
                + "' (found "
                + inventory.namespaces().size()
                + "; `lsns -t net` lists them)");
      }
    }
    // The executor's thread lives as long as the command (for serve, the process).
    return NodeScanner.of(choice, own, new NetnsExecutor());
  }
}
