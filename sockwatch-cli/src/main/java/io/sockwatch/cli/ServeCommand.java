package io.sockwatch.cli;

import static io.sockwatch.cli.args.OptionSpec.flag;
import static io.sockwatch.cli.args.OptionSpec.value;

import io.sockwatch.NodeReader;
import io.sockwatch.Watch;
import io.sockwatch.cli.args.CommandSpec;
import io.sockwatch.cli.args.ParsedArgs;
import io.sockwatch.cli.args.UsageException;
import io.sockwatch.cli.http.AgentRoutes;
import io.sockwatch.cli.http.ApiServer;
import io.sockwatch.k8s.NodeReporter;
import io.sockwatch.k8s.ReporterSettings;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.watch.WatchConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sockwatch serve}: the node agent. Samples every interval, keeps bounded history, tracks
 * findings over time and serves the dashboard, {@code /metrics} and the JSON API until stopped.
 */
final class ServeCommand implements Command {

  /** Default port; bound to loopback unless {@code --listen} says otherwise. */
  static final String DEFAULT_LISTEN = "127.0.0.1:9736";

  private static final CommandSpec SPEC =
      new CommandSpec(
          "serve",
          List.of(
              "Watch the node continuously: dashboard, Prometheus /metrics and JSON API.",
              "Binds to loopback unless --listen names another address. Runs until stopped."),
          List.of(
              value("HOST:PORT", DEFAULT_LISTEN, "Address to serve on (port 0: any).", "--listen"),
              value("DURATION", "1s", "Time between samples (at least 1s).", "--interval"),
              value(
                  "PERCENT",
                  "5%",
                  "CPU the agent may use on average, of one core; larger tables are scanned"
                      + " less often to stay within it.",
                  "--cpu-budget"),
              value("N", "20", "Processes and destinations kept per sample by name.", "--top"),
              value("DURATION", "300s", "Window of the slope that detects leaks.", "--leak-window"),
              value(
                  "N",
                  "2",
                  "Samples a problem must persist before its finding opens.",
                  "--open-after"),
              value(
                  "DURATION",
                  "30s",
                  "Time a problem must be gone before its finding resolves.",
                  "--resolve-after"),
              flag(
                  "Report node conditions and events to the Kubernetes API, found as kubectl"
                      + " does (KUBECONFIG, ~/.kube/config, else the pod's service account); the"
                      + " node is NODE_NAME, else the host name.",
                  "--kubernetes"),
              JudgementOptions.middleboxIdle(),
              JudgementOptions.stateFile(),
              JudgementOptions.expectHeartbeat(),
              JudgementOptions.set(),
              JudgementOptions.listThresholds(),
              CommonOptions.source(""),
              NetnsOption.spec("all"),
              CommonOptions.root()));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, PrintWriter out, PrintWriter err) throws Exception {
    List<Threshold> thresholds = Watch.thresholds();
    if (args.flag("--list-thresholds")) {
      JudgementOptions.listThresholds(thresholds, out);
      return 0;
    }
    WatchConfig config = config(args, thresholds);
    InetSocketAddress listen = listenAddress(args.value("--listen"));
    Clock clock = Clock.systemUTC();
    long heap = Runtime.getRuntime().maxMemory();
    // Full walks of every process's descriptors get half the scan budget; between them only
    // processes whose descriptor count changed are read again. The reader lives as long as the
    // process.
    NodeReader reader =
        CommonOptions.reader(
            args, s -> s.withIncrementalAttribution(config.cpuBudget() / 2).withHeapLimit(heap));
    Watch watch =
        Watch.builder(reader, config).measuredTimeouts(JudgementOptions.stateFile(args)).build();
    NodeReporter kubernetes = args.flag("--kubernetes") ? kubernetes(watch, clock, err) : null;
    ApiServer server;
    try {
      server =
          AgentRoutes.start(
              listen,
              watch,
              clock,
              err,
              () -> Optional.ofNullable(kubernetes).map(NodeReporter::status));
    } catch (java.net.BindException e) {
      if (kubernetes != null) {
        kubernetes.close();
      }
      throw new UsageException(
          "cannot listen on " + args.value("--listen") + ": " + e.getMessage());
    }
    Watch.Ticking loop =
        watch.startTicking(
            e -> {
              synchronized (err) {
                err.println("sockwatch serve: sample failed: " + e);
                err.flush();
              }
            });
    InetSocketAddress bound = server.address();
    out.printf(
        Locale.ROOT,
        "sockwatch serve: listening on http://%s/ (sampling every %ss)%n",
        hostPort(bound),
        fmt(config.intervalSeconds()));
    if (kubernetes != null) {
      var k = kubernetes.status();
      out.printf(
          "sockwatch serve: reporting conditions and events of node %s to %s (%s)%n",
          k.node(), k.apiServer(), k.configSource());
    }
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  loop.close();
                  if (kubernetes != null) {
                    kubernetes.close();
                  }
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /**
   * Starts reporting to Kubernetes; a machine with no API configured at all is refused in one line
   * rather than retried forever. Lost and regained connections are logged, one line each.
   */
  private static NodeReporter kubernetes(Watch watch, Clock clock, PrintWriter err) {
    try {
      return NodeReporter.start(
          watch,
          ReporterSettings.defaults(),
          clock,
          line -> {
            synchronized (err) {
              err.println("sockwatch serve: kubernetes: " + line);
              err.flush();
            }
          });
    } catch (IllegalStateException e) {
      throw new UsageException("--kubernetes: " + e.getMessage());
    }
  }

  private static WatchConfig config(ParsedArgs args, List<Threshold> thresholds) {
    double interval = JudgementOptions.seconds("--interval", args.value("--interval"));
    if (interval < 1 || interval > 600) {
      throw new UsageException("--interval must be between 1s and 10m");
    }
    double budget = percent("--cpu-budget", args.value("--cpu-budget"));
    int top = integer("--top", args.value("--top"), 1, 1000);
    double leak = JudgementOptions.seconds("--leak-window", args.value("--leak-window"));
    if (leak < 10 || leak > 86400) {
      throw new UsageException("--leak-window must be between 10s and 24h");
    }
    int openAfter = integer("--open-after", args.value("--open-after"), 1, 1000);
    double resolve = JudgementOptions.seconds("--resolve-after", args.value("--resolve-after"));
    if (resolve > 86400) {
      throw new UsageException("--resolve-after must be at most 24h");
    }
    return new WatchConfig(
        interval,
        budget,
        top,
        (int) leak,
        openAfter,
        resolve,
        WatchConfig.AGENT_HISTORY,
        JudgementOptions.config(args, thresholds));
  }

  private static double percent(String option, String text) {
    String t = text.trim();
    double v;
    try {
      v =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100
              : Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": not a percentage: '" + text + "'");
    }
    if (!(v > 0) || v > 1) {
      throw new UsageException(option + " must be above 0% and at most 100%");
    }
    return v;
  }

  private static int integer(String option, String text, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": not a whole number: '" + text + "'");
    }
    if (v < min || v > max) {
      throw new UsageException(option + " must be between " + min + " and " + max);
    }
    return v;
  }

  /** {@code HOST:PORT}, {@code [V6]:PORT} or {@code :PORT} (loopback). */
  static InetSocketAddress listenAddress(String text) {
    return HostPort.parse("--listen", text, DEFAULT_LISTEN, "127.0.0.1", 0);
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds)
        ? Long.toString((long) seconds)
        : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
