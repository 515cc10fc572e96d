package io.sockwatch;

import io.sockwatch.analysis.Detector;
import io.sockwatch.analysis.Detectors;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.finding.Threshold;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.probe.TimeoutStateWatcher;
import io.sockwatch.watch.Sampler;
import io.sockwatch.watch.TrendDetector;
import io.sockwatch.watch.TrendDetectors;
import io.sockwatch.watch.WatchLoop;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The node agent's engine ({@code sockwatch serve}): samples the node every interval, keeps bounded
 * history, runs the instant detectors and those over history, and tracks findings over time (they
 * open after a few ticks and resolve once gone for a while). Its state after each tick is published
 * whole and immutable ({@link #state()}), so readers (HTTP, metrics) never see half a tick.
 */
public final class Watch {

  /** Stops the ticking {@link #startTicking} started. */
  public interface Ticking extends AutoCloseable {
    @Override
    void close();
  }

  private final Sampler sampler;
  private final double intervalSeconds;

  private Watch(Sampler sampler, double intervalSeconds) {
    this.sampler = sampler;
    this.intervalSeconds = intervalSeconds;
  }

  /** Every threshold the agent uses (the instant detectors', then those over history). */
  public static List<Threshold> thresholds() {
    List<Threshold> all = new ArrayList<>(Detectors.thresholds());
    all.addAll(TrendDetectors.thresholds());
    return all;
  }

  /** The id of every detector the agent runs, instant ones first. */
  public static List<String> detectorIds() {
    List<String> ids = new ArrayList<>(Detectors.ids());
    TrendDetectors.all().stream().map(TrendDetector::id).forEach(ids::add);
    return ids;
  }

  /** An agent reading through {@code reader} with {@code config}; the caller closes the reader. */
  public static Builder builder(NodeReader reader, WatchConfig config) {
    return new Builder(reader, config);
  }

  /** One tick: read, record, detect, publish. Never throws for kernel trouble; it is reported. */
  public WatchState tick() {
    return sampler.tick();
  }

  /**
   * Ticks now and every interval on a thread of its own until the returned handle is closed. A tick
   * that overruns delays the next; anything a tick throws goes to {@code onError} and sampling goes
   * on.
   */
  public Ticking startTicking(Consumer<Throwable> onError) {
    WatchLoop loop = WatchLoop.start(sampler, intervalSeconds, onError);
    return loop::close;
  }

  /** The state after the last tick; empty before the first tick finished. */
  public Optional<WatchState> state() {
    return sampler.state();
  }

  /** The series history holds, for {@code /api/history}. */
  public List<SeriesKey> seriesKeys() {
    return sampler.seriesKeys();
  }

  /**
   * The points of one series from {@code from} to {@code to} (epoch seconds), {@code step} apart.
   */
  public Range history(SeriesKey key, long from, long to, long step) {
    return sampler.history(key, from, to, step);
  }

  /** When each socket was first seen (epoch seconds by cookie), for listings with ages. */
  public Map<Long, Long> firstSeen(List<SocketRecord> sockets) {
    return sampler.firstSeen(sockets);
  }

  /** Builds a {@link Watch}; everything but the reader and the configuration has a default. */
  public static final class Builder {
    private final NodeReader reader;
    private final WatchConfig config;
    private Clock clock = Clock.systemUTC();
    private LongSupplier monotonicNanos = System::nanoTime;
    private Set<String> only;
    private Path timeoutFile;

    private Builder(NodeReader reader, WatchConfig config) {
      this.reader = reader;
      this.config = config;
    }

    /**
     * Time of ticks: wall time from {@code clock}, elapsed time (for the CPU budget) from {@code
     * monotonicNanos}. Tests step both by hand.
     */
    public Builder clock(Clock wall, LongSupplier monotonic) {
      this.clock = wall;
      this.monotonicNanos = monotonic;
      return this;
    }

    /**
     * Runs only the detectors with these ids (all by default; empty runs none).
     *
     * @throws IllegalArgumentException for an id no detector has
     */
    public Builder detectors(Set<String> ids) {
      Set<String> unknown = new LinkedHashSet<>(ids);
      unknown.removeAll(detectorIds());
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("no detector " + String.join(", ", unknown));
      }
      this.only = Set.copyOf(ids);
      return this;
    }

    /**
     * Judges idle connections against the timeouts {@code probe-idle} measured, read from this
     * state file whenever it changes, rather than the assumed one alone.
     */
    public Builder measuredTimeouts(Path stateFile) {
      this.timeoutFile = stateFile;
      return this;
    }

    public Watch build() {
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      List<Detector> instant =
          Detectors.all().stream().filter(d -> only == null || only.contains(d.id())).toList();
      List<TrendDetector> trend =
          TrendDetectors.all().stream().filter(d -> only == null || only.contains(d.id())).toList();
      Sampler sampler =
          new Sampler(
              reader.scanner(),
              reader.settings().source(),
              config,
              instant,
              trend,
              clock,
              monotonicNanos,
              os::getProcessCpuTime);
      if (timeoutFile != null) {
        sampler.withMeasuredTimeouts(new TimeoutStateWatcher(timeoutFile));
      }
      if (reader.events() != null) {
        sampler.withConnectionEvents(reader.events());
      }
      return new Watch(sampler, config.intervalSeconds());
    }
  }
}
