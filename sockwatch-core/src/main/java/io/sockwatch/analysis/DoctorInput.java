package io.sockwatch.analysis;

import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * What detectors see: the current snapshot (with tcp_info, node counters and attribution) and,
 * unless {@code --once}, an earlier one taken {@link #intervalSeconds()} before, so that rates,
 * growth and counter deltas exist even in a single run. Immutable; derived sets that several
 * detectors need (new cookies) are computed once, on first use.
 */
public final class DoctorInput {

  private final Optional<Snapshot> before;
  private final Snapshot after;
  private final double intervalSeconds;
  private final DoctorConfig config;
  private final Optional<ConnectionActivity> activity;
  private Set<Long> newCookies;

  /**
   * @param before the earlier snapshot, if two were taken
   * @param after the current snapshot
   * @param intervalSeconds seconds between the two samples (0 with one sample)
   * @param config thresholds and declared expectations
   */
  public DoctorInput(
      Optional<Snapshot> before, Snapshot after, double intervalSeconds, DoctorConfig config) {
    this(before, after, intervalSeconds, config, Optional.empty());
  }

  private DoctorInput(
      Optional<Snapshot> before,
      Snapshot after,
      double intervalSeconds,
      DoctorConfig config,
      Optional<ConnectionActivity> activity) {
    this.before = before;
    this.after = after;
    this.intervalSeconds = intervalSeconds;
    this.config = config;
    this.activity = activity;
  }

  /** This input with the kernel's connection events of the sampling window. */
  public DoctorInput withActivity(Optional<ConnectionActivity> events) {
    return new DoctorInput(before, after, intervalSeconds, config, events);
  }

  /**
   * The kernel's connection events over the sampling window: every connection with the process that
   * opened it, even those that opened and closed between the two samples. Empty when not traced
   * (the scan-based estimates then stand).
   */
  public Optional<ConnectionActivity> activity() {
    return activity;
  }

  public Optional<Snapshot> before() {
    return before;
  }

  public Snapshot after() {
    return after;
  }

  public double intervalSeconds() {
    return intervalSeconds;
  }

  public DoctorConfig config() {
    return config;
  }

  /** Node counters of the current sample (the doctor always reads them). */
  public NodeStats node() {
    return after.node().orElseThrow(() -> new IllegalStateException("doctor needs node counters"));
  }

  /**
   * Growth of a {@code /proc/net/netstat} or {@code snmp} counter between the samples; empty with
   * one sample or when either sample lacks it.
   */
  public OptionalLong counterDelta(String section, String counter) {
    return nodeDelta(n -> lookup(n, section, counter));
  }

  /**
   * Change of a {@code /proc/net/sockstat} field between the samples, e.g. {@code
   * sockstatDelta("TCP", "orphan")}; empty with one sample or when either sample lacks it.
   */
  public OptionalLong sockstatDelta(String protocol, String field) {
    return nodeDelta(n -> n.sockstat(protocol, field));
  }

  /**
   * Change of one figure of the node counters between the samples (a counter, or a gauge such as
   * {@code nf_conntrack_count}); empty with one sample or when either sample lacks it.
   */
  public OptionalLong nodeDelta(Function<NodeStats, OptionalLong> figure) {
    if (before.isEmpty() || before.get().node().isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong now = figure.apply(node());
    OptionalLong then = figure.apply(before.get().node().get());
    return now.isPresent() && then.isPresent()
        ? OptionalLong.of(now.getAsLong() - then.getAsLong())
        : OptionalLong.empty();
  }

  /**
   * A change between the samples per second of the interval; empty without the change or without a
   * positive interval.
   */
  public OptionalDouble perSecond(OptionalLong delta) {
    return delta.isPresent() && intervalSeconds > 0
        ? OptionalDouble.of(delta.getAsLong() / intervalSeconds)
        : OptionalDouble.empty();
  }

  private static OptionalLong lookup(NodeStats n, String section, String counter) {
    OptionalLong v = n.netstat(section, counter);
    return v.isPresent() ? v : n.snmp(section, counter);
  }

  /**
   * Cookies of sockets present now that were not in the earlier sample: connections opened (or
   * TIME_WAIT entries created) between the samples. Empty with one sample or without cookies (the
   * /proc source).
   */
  public synchronized Set<Long> newCookies() {
    if (newCookies == null) {
      newCookies = Collections.unmodifiableSet(computeNewCookies());
    }
    return newCookies;
  }

  /**
   * The earlier cookies go into a sorted primitive array, not a set of boxed longs: the agent
   * computes this every scan over tables of 100k sockets, where the set cost an allocation per
   * socket; only the new cookies (few, between two samples) are boxed.
   */
  private Set<Long> computeNewCookies() {
    Set<Long> out = new HashSet<>();
    if (before.isEmpty()) {
      return out;
    }
    List<SocketRecord> earlier = before.get().sockets();
    long[] old = new long[earlier.size()];
    int n = 0;
    for (SocketRecord s : earlier) {
      if (s.cookie() != SocketRecord.ABSENT) {
        old[n++] = s.cookie();
      }
    }
    Arrays.sort(old, 0, n);
    for (SocketRecord s : after.sockets()) {
      if (s.cookie() != SocketRecord.ABSENT && Arrays.binarySearch(old, 0, n, s.cookie()) < 0) {
        out.add(s.cookie());
      }
    }
    return out;
  }
}
