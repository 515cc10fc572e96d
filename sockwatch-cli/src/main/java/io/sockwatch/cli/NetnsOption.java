package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.cli.args.OptionSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.model.snapshot.NetnsChoice;

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
}
