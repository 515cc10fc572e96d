package io.sockwatch.k8s;

import io.fabric8.kubernetes.client.Config;
import io.sockwatch.Watch;
import io.sockwatch.model.watch.WatchState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code serve --kubernetes}: reports the agent's findings on its Node, as the four condition types
 * of {@link io.sockwatch.model.finding.NodeCondition} (through the status subresource, leaving
 * every other condition alone) and as {@code events.k8s.io/v1} Events when a WARNING or CRITICAL
 * finding opens or resolves.
 *
 * <p>It runs on a thread of its own and only reads the state the agent publishes after each tick,
 * so a slow or absent API server never delays sampling; failed requests are retried with capped
 * exponential backoff, and how that goes is in {@link #status()}. Nothing of the client library
 * shows in this class's signatures: callers need only the agent and this module.
 */
public final class NodeReporter implements AutoCloseable {

  private final ReporterCore core;
  private final KubeApi api;
  private final Thread thread;
  private final Object lock = new Object();
  private boolean closed;

  private NodeReporter(ReporterCore core, KubeApi api) {
    this.core = core;
    this.api = api;
    this.thread = Thread.ofPlatform().daemon().name("sockwatch-kubernetes").unstarted(this::run);
  }

  /**
   * Finds the API server as kubectl does (a kubeconfig from {@code KUBECONFIG} or {@code
   * ~/.kube/config}, else the pod's service account) and the Node ({@code NODE_NAME}, else the host
   * name), and starts reporting {@code watch}'s findings on it.
   *
   * @param log one line per change of the connection (lost, back); never blocks for long
   * @throws IllegalStateException when no API server is configured at all, or the configuration
   *     cannot be read (one line, for people)
   */
  public static NodeReporter start(
      Watch watch, ReporterSettings settings, Clock clock, Consumer<String> log) {
    Path home = Path.of(System.getProperty("user.home"));
    String source =
        ApiLocation.find(NodeReporter::envOrProperty, home, ApiLocation.SERVICE_ACCOUNT)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        ApiLocation.notFound(home, ApiLocation.SERVICE_ACCOUNT)));
    String node = NodeName.resolve(System::getenv, Path.of("/proc/sys/kernel/hostname"));
    Config config;
    try {
      config = Config.autoConfigure(null);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot read the Kubernetes configuration (" + source + "): " + e.getMessage());
    }
    return start(
        Fabric8Api.create(config, settings.requestTimeout()),
        node,
        source,
        watch::state,
        settings,
        clock,
        log);
  }

  /** {@link #start(Watch, ReporterSettings, Clock, Consumer)} without a log. */
  public static NodeReporter start(Watch watch, ReporterSettings settings, Clock clock) {
    return start(watch, settings, clock, line -> {});
  }

  /** A reporter on {@code api} (tests pass one on fabric8's mock server). */
  static NodeReporter start(
      KubeApi api,
      String node,
      String source,
      Supplier<Optional<WatchState>> states,
      ReporterSettings settings,
      Clock clock,
      Consumer<String> log) {
    ReporterCore core =
        new ReporterCore(
            node,
            api,
            source,
            states,
            settings,
            clock,
            () -> ThreadLocalRandom.current().nextDouble(),
            log);
    NodeReporter r = new NodeReporter(core, api);
    r.thread.start();
    return r;
  }

  /** How reporting goes, as of the last step (at most one tick old). */
  public ReporterStatus status() {
    return core.status();
  }

  /** Stops reporting: ends the thread (interrupting a request in flight) and the client. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    api.close();
  }

  private void run() {
    while (true) {
      Duration wait;
      try {
        wait = core.step();
      } catch (RuntimeException e) {
        // step() handles API trouble itself; this is a bug, and must still not end reporting
        wait = Duration.ofSeconds(1);
      }
      synchronized (lock) {
        if (closed) {
          return;
        }
        try {
          lock.wait(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
          if (closed) {
            return;
          }
        }
        if (closed) {
          return;
        }
      }
    }
  }

  private static String envOrProperty(String name) {
    String v = System.getenv(name);
    if (v == null && name.equals("KUBECONFIG")) {
      v = System.getProperty("kubeconfig");
    }
    return v;
  }
}
