package io.sockwatch.watch;

import io.sockwatch.analysis.Detector;
import io.sockwatch.analysis.FindingPlacer;
import io.sockwatch.analysis.HerdFolding;
import io.sockwatch.analysis.NamespaceDoctor;
import io.sockwatch.history.FirstSeen;
import io.sockwatch.history.History;
import io.sockwatch.history.ScanDelta;
import io.sockwatch.kernel.bpf.ConnectionEvents;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.finding.DoctorReport;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.MeasuredTimeouts;
import io.sockwatch.model.snapshot.NodeScan;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import io.sockwatch.model.watch.ConnectionEventsStatus;
import io.sockwatch.model.watch.NamespaceTallies;
import io.sockwatch.model.watch.Range;
import io.sockwatch.model.watch.SeriesKey;
import io.sockwatch.model.watch.TickStats;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.model.watch.WatchState;
import io.sockwatch.model.watch.WatchStatus;
import io.sockwatch.snapshot.NodeScanner;
import io.sockwatch.snapshot.SnapshotReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's engine: one {@link #tick()} reads the node counters, scans the socket table when the
 * CPU budget allows, records history, runs the instant and trend detectors and publishes a new
 * {@link WatchState}. Ticks are serialized; readers take {@link #state()} (lock-free) or query
 * history through the synchronized methods here, which exclude a concurrent tick.
 */
public final class Sampler {

  /** States in which a process can still hold a socket: what {@link #readLate} asks for. */
  private static final SocketFilter HELD =
      new SocketFilter(
          EnumSet.of(
              TcpState.SYN_SENT,
              TcpState.ESTABLISHED,
              TcpState.FIN_WAIT1,
              TcpState.FIN_WAIT2,
              TcpState.CLOSE_WAIT),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Set.of(),
          Set.of());

  private final NodeScanner scanner;
  private final SourceChoice source;
  private final WatchConfig config;
  private final Clock clock;
  private Supplier<MeasuredTimeouts> measuredTimeouts;
  private final LongSupplier monotonicNanos;
  private final LongSupplier processCpuNanos;
  private final NamespaceDoctor doctor;
  private final List<TrendDetector> trendDetectors;
  private final History history;
  private final FirstSeen firstSeen;
  private final RecentOpeners openers = new RecentOpeners();
  private final FlowHorizon horizon = new FlowHorizon();
  private final FindingTracker tracker;
  private final ScanBudget budget;
  private final SeriesRecorder recorder = new SeriesRecorder();
  private final Instant startedAt;
  private final AtomicReference<WatchState> state = new AtomicReference<>();

  private NodeScan lastNodeScan;
  private ConnectionEvents events;
  private final List<ConnectionActivity> pendingActivity = new ArrayList<>();
  private long eventConnects;
  private long eventAccepts;

  /** Places trend findings in the last scan's namespaces; kept per scan, since ticks reuse it. */
  private FindingPlacer placer;

  private NamespaceTallies lastNamespaces = NamespaceTallies.NONE;
  private TickStats lastStats;
  private List<Finding> lastScanFindings = List.of();
  private List<Unavailable> lastUnavailable = List.of();
  private Optional<String> lastError = Optional.empty();
  private long ticks;
  private long scans;
  private long untracked;
  private double lastScanSeconds;
  private double lastScanCpuSeconds;
  private double lastScanGapSeconds;

  /** An agent of the reader's namespace alone (tests, recorded trees). */
  public Sampler(
      SnapshotReader reader,
      SourceChoice source,
      WatchConfig config,
      List<Detector> detectors,
      List<TrendDetector> trendDetectors,
      Clock clock,
      LongSupplier monotonicNanos,
      LongSupplier processCpuNanos) {
    this(
        NodeScanner.own(reader),
        source,
        config,
        detectors,
        trendDetectors,
        clock,
        monotonicNanos,
        processCpuNanos);
  }

  /**
   * @param scanner where sockets and counters come from: one namespace or many
   * @param source which socket-table source
   * @param config intervals, caps and thresholds
   * @param detectors the instant detectors (as {@code sockwatch doctor} runs them)
   * @param trendDetectors detectors over history
   * @param clock wall time of ticks
   * @param monotonicNanos monotonic time for the CPU budget
   * @param processCpuNanos CPU time of the whole process, for the budget and status
   */
  public Sampler(
      NodeScanner scanner,
      SourceChoice source,
      WatchConfig config,
      List<Detector> detectors,
      List<TrendDetector> trendDetectors,
      Clock clock,
      LongSupplier monotonicNanos,
      LongSupplier processCpuNanos) {
    this.scanner = scanner;
    this.source = source;
    this.config = config;
    this.doctor = new NamespaceDoctor(detectors);
    this.trendDetectors = List.copyOf(trendDetectors);
    this.clock = clock;
    this.monotonicNanos = monotonicNanos;
    this.processCpuNanos = processCpuNanos;
    this.history = new History(config.history());
    this.firstSeen = new FirstSeen(FirstSeen.DEFAULT_CAPACITY);
    this.tracker =
        new FindingTracker(
            config.openAfterTicks(),
            Duration.ofMillis((long) (config.resolveAfterSeconds() * 1000)));
    this.budget = new ScanBudget(config.cpuBudget());
    this.startedAt = clock.instant();
  }

  /**
   * Judges idle connections against the measured timeouts {@code source} gives each tick (the
   * {@code probe-idle} state file), instead of those in the configuration; call before ticking.
   */
  public Sampler withMeasuredTimeouts(Supplier<MeasuredTimeouts> source) {
    this.measuredTimeouts = source;
    return this;
  }

  /**
   * Drains {@code source} every tick: the trend detectors get each tick's connections, the scan's
   * detectors those since the previous scan. Where it has no tracer, its reason is reported every
   * tick and the detectors work from scans alone.
   */
  public Sampler withConnectionEvents(ConnectionEvents source) {
    this.events = source;
    return this;
  }

  /** The state after the last tick; empty before the first tick finished. */
  public Optional<WatchState> state() {
    return Optional.ofNullable(state.get());
  }

  /** One tick: read, record, detect, publish. Never throws for kernel trouble; it is reported. */
  public synchronized WatchState tick() {
    Instant now = clock.instant();
    long second = now.getEpochSecond();
    List<Unavailable> unavailable = new ArrayList<>();
    Optional<ConnectionActivity> tickActivity = Optional.empty();
    if (events != null) {
      tickActivity = events.drain();
      events.unavailable().ifPresent(unavailable::add);
      tickActivity.ifPresent(this::keepForScan);
      tickActivity.ifPresent(
          a -> {
            eventConnects += a.connects();
            eventAccepts += a.accepts();
          });
    }
    NodeStats node = null;
    if (budget.shouldScan(monotonicNanos.getAsLong())) {
      Optional<Snapshot> scan = scan(now, unavailable);
      if (scan.isPresent()) {
        node = scan.get().node().orElse(null);
      }
    }
    if (node == null) {
      node = scanner.readNode();
      unavailable.addAll(node.unavailable());
    }
    recorder.recordNode(history, now, node);
    List<Finding> raised = new ArrayList<>(lastScanFindings);
    TrendInput trendInput =
        new TrendInput(
            second,
            history,
            Optional.ofNullable(lastStats),
            lastScan(),
            node,
            openers,
            config,
            horizon.window());
    for (TrendDetector d : trendDetectors) {
      try {
        for (Finding f : d.detect(trendInput)) {
          raised.add(placer == null ? f : placer.onNode(f));
        }
      } catch (RuntimeException e) {
        unavailable.add(new Unavailable("detector " + d.id(), "failed: " + e));
      }
    }
    // One incident, one finding: a herd absorbs the per-destination findings on its port, the
    // instant ones (already folded per scan) and the trend ones (connection-churn) alike.
    tracker.update(HerdFolding.fold(raised), now);
    ticks++;
    lastUnavailable = List.copyOf(unavailable);
    WatchState s =
        new WatchState(
            now,
            lastScan(),
            Optional.ofNullable(lastStats),
            Optional.of(node),
            tracker.open(),
            tracker.resolved(),
            status(),
            lastNamespaces);
    state.set(s);
    return s;
  }

  /** Windows kept between scans before they are folded into one, so a slow scan stays bounded. */
  static final int MAX_PENDING_WINDOWS = 30;

  private void keepForScan(ConnectionActivity window) {
    pendingActivity.add(window);
    if (pendingActivity.size() > MAX_PENDING_WINDOWS) {
      ConnectionActivity folded = ConnectionActivity.merge(pendingActivity, FlowHorizon.MAX_FLOWS);
      pendingActivity.clear();
      pendingActivity.add(folded);
    }
  }

  private Optional<Snapshot> scan(Instant now, List<Unavailable> unavailable) {
    long cpu0 = processCpuNanos.getAsLong();
    long wall0 = monotonicNanos.getAsLong();
    NodeScan nodeScan;
    try {
      nodeScan =
          scanner.read(SocketFilter.ALL, new SnapshotReader.Options(source, true, true, true));
      lastError = Optional.empty();
    } catch (SourceUnavailableException e) {
      lastError = Optional.of(e.getMessage());
      unavailable.add(new Unavailable("socket table", e.getMessage()));
      budget.spent(
          (processCpuNanos.getAsLong() - cpu0) / 1e9,
          processCpuNanos.getAsLong(),
          monotonicNanos.getAsLong());
      return Optional.empty();
    }
    if (!pendingActivity.isEmpty()) {
      ConnectionActivity since = ConnectionActivity.merge(pendingActivity, FlowHorizon.MAX_FLOWS);
      pendingActivity.clear();
      nodeScan =
          nodeScan.withActivity(
              Optional.of(
                  since.withKernelOpensBetween(
                      lastNodeScan == null ? Optional.empty() : lastNodeScan.merged().node(),
                      nodeScan.merged().node())));
    }
    // Cookies are unique across namespaces, so first-seen tracking, churn and per-process leaks
    // work on every namespace's sockets together.
    Snapshot scan = nodeScan.merged();
    unavailable.addAll(scan.unavailable());
    long[] cookies = new long[scan.sockets().size()];
    int n = 0;
    for (SocketRecord r : scan.sockets()) {
      cookies[n++] = r.cookie() == SocketRecord.ABSENT ? 0 : r.cookie();
    }
    boolean first = scans == 0;
    ScanDelta delta = firstSeen.update(cookies, n, now.getEpochSecond());
    untracked += delta.refused();
    // On the first scan every socket is "new" to the table but not to the node: no churn yet.
    long[] fresh = first ? new long[0] : delta.newCookies();
    TickStats stats = TickCounter.count(scan, fresh, config.topN());
    openers.update(scan, fresh, now.getEpochSecond());
    if (openers.missesOpeners(stats)) {
      readLate(scan, fresh, now.getEpochSecond(), unavailable);
    }
    double sincePrevious =
        lastNodeScan == null
            ? 0
            : Duration.between(lastNodeScan.merged().takenAt(), scan.takenAt()).toNanos() / 1e9;
    DoctorConfig judgement = config.doctor();
    if (measuredTimeouts != null) {
      MeasuredTimeouts measured = measuredTimeouts.get();
      judgement = judgement.withMeasured(measured.timeouts());
      for (String problem : measured.problems()) {
        unavailable.add(new Unavailable("middlebox timeouts", problem));
      }
    }
    // The instant detectors judge the last minute of connection events, not just this scan's
    // window: per-pair intervals need several connects of each pair (FlowHorizon).
    horizon.add(now.getEpochSecond(), nodeScan.activity());
    DoctorReport report =
        doctor.examine(
            Optional.ofNullable(lastNodeScan),
            nodeScan.withActivity(horizon.window()),
            sincePrevious,
            judgement);
    lastScanFindings = report.findings();
    for (Unavailable u : report.unavailable()) {
      if (!unavailable.contains(u)) {
        unavailable.add(u);
      }
    }
    lastScanCpuSeconds = (processCpuNanos.getAsLong() - cpu0) / 1e9;
    lastScanSeconds = (monotonicNanos.getAsLong() - wall0) / 1e9;
    budget.spent(lastScanCpuSeconds, processCpuNanos.getAsLong(), monotonicNanos.getAsLong());
    recorder.recordScan(history, now.getEpochSecond(), stats, sincePrevious, lastScanSeconds);
    lastNodeScan = nodeScan;
    placer = new FindingPlacer(nodeScan);
    lastNamespaces = NamespaceTallies.of(nodeScan);
    lastStats = stats;
    lastScanGapSeconds = sincePrevious;
    scans++;
    return Optional.of(scan);
  }

  /**
   * Reads the held sockets again right after the scan, to name the process behind short-lived
   * churn. A scan dumps the socket table, then walks every process's descriptors; a connection that
   * lives a few milliseconds is seldom in the dump and still open when its process's descriptors
   * are read, the later the more descriptors the host has. This second dump catches connections
   * opened after the first one and still open after the walk: between the two dumps, every process
   * is read at most half a walk away from one of them. It runs only while some churning destination
   * has no remembered opener, so a node without unexplained churn pays nothing, and it asks only
   * for states a process can hold.
   */
  private void readLate(Snapshot scan, long[] sortedFresh, long second, List<Unavailable> out) {
    try {
      Snapshot late =
          scanner.read(HELD, new SnapshotReader.Options(source, false, false, false)).merged();
      openers.updateLate(
          late.sockets(),
          scan,
          c ->
              Arrays.binarySearch(sortedFresh, c) >= 0
                  || firstSeen.firstSeen(c) == FirstSeen.ABSENT,
          second);
    } catch (SourceUnavailableException e) {
      out.add(new Unavailable("second socket-table read", e.getMessage()));
    }
  }

  /** Every namespace's sockets of the last scan together: what trend detectors and the API see. */
  private Optional<Snapshot> lastScan() {
    return Optional.ofNullable(lastNodeScan).map(NodeScan::merged);
  }

  private WatchStatus status() {
    Runtime rt = Runtime.getRuntime();
    return new WatchStatus(
        startedAt,
        ticks,
        scans,
        config.intervalSeconds(),
        Math.max(config.intervalSeconds(), budget.sustainableIntervalSeconds()),
        lastScanSeconds,
        lastScanCpuSeconds,
        lastScanGapSeconds,
        processCpuNanos.getAsLong() / 1e9,
        rt.totalMemory() - rt.freeMemory(),
        rt.maxMemory(),
        history.status(),
        firstSeen.size(),
        firstSeen.memoryBytes(),
        untracked,
        tracker.refused(),
        lastError,
        lastUnavailable,
        eventsStatus());
  }

  private ConnectionEventsStatus eventsStatus() {
    if (events == null) {
      return ConnectionEventsStatus.OFF;
    }
    if (events.tracer().isEmpty()) {
      return ConnectionEventsStatus.unavailable(
          events.unavailable().map(Unavailable::reason).orElse(""));
    }
    var tracer = events.tracer().get();
    return new ConnectionEventsStatus(
        "on",
        "",
        eventConnects,
        eventAccepts,
        horizon.window().map(ConnectionActivity::coverage).orElse(OptionalDouble.empty()),
        tracer.lostInKernel(),
        tracer.memoryBytes());
  }

  /** Points of a series; see {@link History#range}. */
  public synchronized Range history(SeriesKey key, long from, long to, long step) {
    return history.range(key, from, to, step);
  }

  /** Every series held. */
  public synchronized List<SeriesKey> seriesKeys() {
    return history.keys();
  }

  /**
   * First-seen epoch second of each of {@code sockets} the agent knows, by cookie, in one pass
   * under the lock (sockets without a cookie or not tracked are left out).
   */
  public synchronized Map<Long, Long> firstSeen(List<SocketRecord> sockets) {
    Map<Long, Long> out = new HashMap<>(sockets.size() * 2);
    for (SocketRecord s : sockets) {
      long t =
          s.cookie() == SocketRecord.ABSENT ? FirstSeen.ABSENT : firstSeen.firstSeen(s.cookie());
      if (t != FirstSeen.ABSENT) {
        out.put(s.cookie(), t);
      }
    }
    return out;
  }
}
