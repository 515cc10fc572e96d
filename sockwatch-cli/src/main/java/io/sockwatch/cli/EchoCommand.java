package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.EchoServer;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.model.probe.Endpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code sockwatch echo}: the peer {@code probe-idle} measures against, run on the far side of the
 * middlebox. It binds loopback unless told otherwise, like every sockwatch listener; on a real peer
 * give the address the prober reaches.
 */
final class EchoCommand implements Command {

  /** Exit code when the address cannot be listened on (in use, not local). */
  static final int EXIT_CANNOT_LISTEN = 3;

  private static final CommandSpec SPEC =
      new CommandSpec(
          "echo",
          List.of(
              "Echo peer for probe-idle: echoes each line, never sends on its own.",
              "Runs until stopped. It never enables keepalive, so idle connections stay idle on"
                  + " the wire."),
          List.of(
              value(
                  "HOST:PORT",
                  "127.0.0.1:7007",
                  "Address to listen on; use the address the prober reaches, e.g. 0.0.0.0:7007.",
                  "--listen"),
              value(
                  "N",
                  "1024",
                  "Connections served at once; more are closed on arrival.",
                  "--max-connections")));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws IOException {
    InetSocketAddress listen =
        HostPort.parse("--listen", args.value("--listen"), "0.0.0.0:7007", "127.0.0.1", 1);
    int max = args.intValue("--max-connections", 1, 65536);
    EchoServer server;
    try {
      server = EchoServer.bind(listen, max);
    } catch (IOException e) {
      err.println(
          "sockwatch echo: cannot listen on " + Endpoints.format(listen) + ": " + e.getMessage());
      err.flush();
      return EXIT_CANNOT_LISTEN;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (IOException e) {
                    // exiting anyway
                  }
                }));
    out.println(
        "sockwatch echo: listening on "
            + Endpoints.format(server.address())
            + " (up to "
            + max
            + " connections)");
    out.flush();
    server.serve();
    return 0;
  }
}
