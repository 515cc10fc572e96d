package io.sockwatch.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * A poller whose connections never live across a scan, for the test that names the opener of
 * TIME_WAIT from the kernel's events: one process connects from its own address to one destination
 * every interval (default 100 ms) and closes at once, first, so each connect leaves one TIME_WAIT
 * on the poller's side; a second process (the sink) accepts and closes after the poller has. Both
 * run until {@link #close()}, which kills them by pid.
 */
public final class ShortLivedPoller implements AutoCloseable {
  public static final String DEFAULT_SOURCE = "127.0.0.5";
  public static final String DEFAULT_SINK = "127.0.0.6";
  public static final int DEFAULT_PORT = 8559;
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final ProberProcess sink;
  private final ProberProcess poller;

  private ShortLivedPoller(ProberProcess sink, ProberProcess poller) {
    this.sink = sink;
    this.poller = poller;
  }

  /** From 127.0.0.5 to 127.0.0.6:8559 every 100 ms, in {@code ns} (null: this namespace). */
  public static ShortLivedPoller start(TestNetns ns) throws IOException {
    return start(ns, DEFAULT_SOURCE, DEFAULT_SINK, DEFAULT_PORT, DEFAULT_INTERVAL);
  }

  /**
   * Starts the sink on {@code sink:port}, then the poller from {@code source}, once the sink
   * listens; it is polling when this returns. On failure both are killed before this throws.
   */
  public static ShortLivedPoller start(
      TestNetns ns, String source, String sink, int port, Duration interval) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String destination = sink + ":" + port;
    ProberProcess sinkProcess =
        ProberProcess.launch(
            ns,
            "sink " + destination,
            new ProberArgs(destination, null, 1000, 1, false, List.of()));
    ProberProcess pollerProcess = null;
    try {
      sinkProcess.awaitReady(deadline);
      long rounds = ProberArgs.defaultRounds(interval.toMillis());
      pollerProcess =
          ProberProcess.launch(
              ns,
              "poller " + source,
              new ProberArgs(
                  null, source, interval.toMillis(), rounds, true, List.of(destination)));
      pollerProcess.awaitReady(deadline);
      return new ShortLivedPoller(sinkProcess, pollerProcess);
    } catch (IOException | RuntimeException e) {
      if (pollerProcess != null) {
        pollerProcess.kill();
      }
      sinkProcess.kill();
      throw e;
    }
  }

  public long pollerPid() {
    return poller.pid();
  }

  public long sinkPid() {
    return sink.pid();
  }

  /** The poller's count now. */
  public ProbeCount count() throws IOException {
    poller.send("count");
    return poller.awaitCount(System.nanoTime() + ANSWER_TIMEOUT.toNanos());
  }

  /** Stops polling and returns the final count; the sink stays up until {@link #close()}. */
  public ProbeCount stop() throws IOException {
    poller.send("stop");
    return poller.awaitCount(System.nanoTime() + ANSWER_TIMEOUT.toNanos());
  }

  /** The sink's count of accepted connections now. */
  public ProbeCount sinkCount() throws IOException {
    sink.send("count");
    return sink.awaitCount(System.nanoTime() + ANSWER_TIMEOUT.toNanos());
  }

  @Override
  public void close() {
    poller.kill();
    sink.kill();
  }
}
