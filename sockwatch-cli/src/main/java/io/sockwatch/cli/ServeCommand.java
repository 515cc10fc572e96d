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
import io.sockwatch.cli.web.WebConfigException;
import io.sockwatch.cli.web.WebSecurity;
import io.sockwatch.k8s.NodeReporter;
import io.sockwatch.k8s.ReporterSettings;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.watch.WatchConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
              value(
                  "HOST:PORT",
                  null,
                  "Also serve /metrics and /healthz, and nothing else, on this address (e.g."
                      + " 0.0.0.0:9737 for Prometheus); the API and dashboard stay on --listen.",
                  "--metrics-listen"),
              value(
                  "FILE",
                  null,
                  "TLS and basic auth for every address served, in node_exporter's web config"
                      + " format (tls_server_config, basic_auth_users with bcrypt hashes).",
                  "--web-config"),
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
              CommonOptions.connectionEvents(),
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
    InetSocketAddress metricsListen =
        args.value("--metrics-listen") == null
            ? null
            : HostPort.parse(
                "--metrics-listen", args.value("--metrics-listen"), "0.0.0.0:9737", "127.0.0.1", 0);
    WebSecurity security = webSecurity(args);
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
    AgentRoutes.Extras extras =
        new AgentRoutes.Extras(
            security, () -> Optional.ofNullable(kubernetes).map(NodeReporter::status));
    List<AutoCloseable> opened = new ArrayList<>();
    if (kubernetes != null) {
      opened.add(kubernetes);
    }
    ApiServer server;
    ApiServer exposed = null;
    try {
      server = bind("--listen", args, () -> AgentRoutes.start(listen, watch, clock, err, extras));
      opened.add(server);
      if (metricsListen != null) {
        exposed =
            bind(
                "--metrics-listen",
                args,
                () -> AgentRoutes.startMetricsOnly(metricsListen, watch, clock, err, extras));
        opened.add(exposed);
      }
    } catch (UsageException e) {
      closeAll(opened);
      throw e;
    }
    Watch.Ticking loop =
        watch.startTicking(
            e -> {
              synchronized (err) {
                err.println("sockwatch serve: sample failed: " + e);
                err.flush();
              }
            });
    opened.addFirst(loop);
    out.printf(
        Locale.ROOT,
        "sockwatch serve: listening on %s://%s/ (sampling every %ss)%n",
        security.scheme(),
        hostPort(listen, server.address()),
        fmt(config.intervalSeconds()));
    if (exposed != null) {
      out.printf(
          Locale.ROOT,
          "sockwatch serve: metrics on %s://%s/metrics (/metrics and /healthz only)%n",
          security.scheme(),
          hostPort(metricsListen, exposed.address()));
    }
    if (kubernetes != null) {
      var k = kubernetes.status();
      out.printf(
          Locale.ROOT,
          "sockwatch serve: reporting conditions and events of node %s to %s (%s)%n",
          k.node(),
          k.apiServer(),
          k.configSource());
    }
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll(opened);
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /** A server that could not bind is a usage error naming the option and the reason. */
  private static ApiServer bind(String option, ParsedArgs args, ServerStart start)
      throws IOException {
    try {
      return start.start();
    } catch (java.net.BindException e) {
      throw new UsageException("cannot listen on " + args.value(option) + ": " + e.getMessage());
    }
  }

  @FunctionalInterface
  private interface ServerStart {
    ApiServer start() throws IOException;
  }

  /** Closes in order, each once, going on past failures: the process is ending anyway. */
  private static void closeAll(List<AutoCloseable> opened) {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        // Nothing left to tell: shutting down.
      }
    }
  }

  private static WebSecurity webSecurity(ParsedArgs args) {
    if (args.value("--web-config") == null) {
      return WebSecurity.NONE;
    }
    try {
      return WebSecurity.load(Path.of(args.value("--web-config")));
    } catch (WebConfigException e) {
      throw new UsageException("--web-config " + e.getMessage());
    }
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

  /**
   * The address asked for with the port bound (the kernel's pick for port 0): the JDK reports a
   * wildcard bind of 0.0.0.0 as IPv6's {@code [::]}, which is not what the user wrote.
   */
  private static String hostPort(InetSocketAddress asked, InetSocketAddress bound) {
    String host = asked.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds)
        ? Long.toString((long) seconds)
        : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
