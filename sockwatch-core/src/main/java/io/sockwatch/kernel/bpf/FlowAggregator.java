package io.sockwatch.kernel.bpf;

import static io.sockwatch.kernel.bpf.EventLayout.*;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import io.sockwatch.model.events.ConnectionEvent.Direction;
import io.sockwatch.model.events.ConnectionEvent.Outcome;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.EndedConnections;
import io.sockwatch.model.events.ListenerActivity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Turns the stream of ended connections into one window's tallies: per (process, cgroup,
 * destination) flow and per listening port, plus the ended connections for {@code snapshot
 * --events}. Pure and bounded: flows, listeners, lifetimes kept per tally and ended connections are
 * capped, and what did not fit is counted. Not thread-safe; the tracer serializes access.
 */
final class FlowAggregator {

  static final int MAX_FLOWS = 4096;
  static final int MAX_LISTENERS = 1024;
  static final int MAX_LIFETIMES = 512;
  static final int MAX_ENDED = 10_000;

  /** A connect that failed without a reset after this long had its SYNs go unanswered. */
  static final long TIMEOUT_NANOS = 1_000_000_000L;

  /** What names a process and its container from what the kernel recorded. */
  interface Labels {
    /** The process's name: its command name now, else the connecting thread's. */
    String comm(int tgid, String threadComm);

    /** The container or pod label of a cgroup, empty when none. */
    String container(long cgroupId);
  }

  private record FlowKey(int tgid, long cgroupId, IpAddress remote, int port) {}

  private static final class Tally {
    String threadComm = "";
    long connects;
    long established;
    long refused;
    long timedOut;
    long otherFailures;
    long closes;
    long firstConnect = Long.MAX_VALUE;
    long lastConnect = Long.MIN_VALUE;
    long[] lifetimes = new long[8];
    int lifetimeCount;
    long lifetimesSeen;
    long random = 0x9E3779B97F4A7C15L; // xorshift state: deterministic, so tests repeat

    void lifetime(long nanos) {
      lifetimesSeen++;
      if (lifetimeCount < MAX_LIFETIMES) {
        if (lifetimeCount == lifetimes.length) {
          lifetimes = Arrays.copyOf(lifetimes, lifetimes.length * 2);
        }
        lifetimes[lifetimeCount++] = nanos;
      } else {
        // A uniform sample of every lifetime seen (reservoir sampling): the n-th replaces a kept
        // one with probability MAX_LIFETIMES / n, at a uniformly chosen place.
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        long slot = Math.floorMod(random, lifetimesSeen);
        if (slot < MAX_LIFETIMES) {
          lifetimes[(int) slot] = nanos;
        }
      }
    }

    OptionalDouble percentile(double p) {
      if (lifetimeCount == 0) {
        return OptionalDouble.empty();
      }
      long[] sorted = Arrays.copyOf(lifetimes, lifetimeCount);
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p * sorted.length) - 1;
      return OptionalDouble.of(sorted[Math.max(0, rank)] / 1e9);
    }
  }

  private Map<FlowKey, Tally> flows = new HashMap<>();
  private Map<Integer, Tally> listeners = new HashMap<>();
  private ArrayDeque<ConnectionEvent> ended = new ArrayDeque<>();
  private long connects;
  private long accepts;
  private long dropped;
  private long endedDropped;
  private final Labels labels;

  FlowAggregator(Labels labels) {
    this.labels = labels;
  }

  /**
   * Counts one ended connection: its connect (or accept) at the time recorded for it, its outcome
   * and lifetime.
   */
  void accept(TraceEvent e) {
    Outcome outcome = outcome(e);
    long lifetime = e.startNanos() > 0 ? e.nowNanos() - e.startNanos() : -1;
    Tally t = null;
    if (e.active()) {
      connects++;
      t = flow(e);
      if (t != null) {
        long at = e.startNanos() > 0 ? e.startNanos() : e.nowNanos();
        t.connects++;
        t.firstConnect = Math.min(t.firstConnect, at);
        t.lastConnect = Math.max(t.lastConnect, at);
      }
    } else if (e.passive()) {
      accepts++;
      t = listener(e.localPort());
      if (t != null) {
        t.connects++;
      }
    }
    if (t != null) {
      switch (outcome) {
        case REFUSED -> t.refused++;
        case TIMED_OUT -> t.timedOut++;
        case FAILED -> t.otherFailures++;
        default -> {
          t.closes++;
          t.established++;
          if (lifetime >= 0) {
            t.lifetime(lifetime);
          }
        }
      }
    }
    if (ended.size() >= MAX_ENDED) {
      ended.pollFirst();
      endedDropped++;
    }
    ended.addLast(
        new ConnectionEvent(
            e.nowNanos(),
            e.active() ? Direction.OUTBOUND : e.passive() ? Direction.INBOUND : Direction.UNKNOWN,
            e.active() ? e.tgid() : 0,
            e.active() ? labels.comm(e.tgid(), e.comm()) : "",
            e.active() ? labels.container(e.cgroupId()) : "",
            e.local(),
            e.localPort(),
            e.remote(),
            e.remotePort(),
            lifetime >= 0 ? OptionalDouble.of(lifetime / 1e9) : OptionalDouble.empty(),
            outcome));
  }

  /** How a connection ended, from the states it moved between and what was recorded of it. */
  static Outcome outcome(TraceEvent e) {
    if (e.newState() == TCP_FIN_WAIT1) {
      return Outcome.CLOSED_HERE;
    }
    if (e.newState() == TCP_CLOSE_WAIT) {
      return Outcome.CLOSED_BY_PEER;
    }
    if (e.oldState() == TCP_SYN_SENT) {
      if ((e.flags() & FLAG_RESET) != 0) {
        return Outcome.REFUSED;
      }
      boolean long_ = e.startNanos() > 0 && e.nowNanos() - e.startNanos() >= TIMEOUT_NANOS;
      return long_ ? Outcome.TIMED_OUT : Outcome.FAILED;
    }
    return Outcome.RESET;
  }

  /**
   * The window's tallies, most connects first, and a fresh start.
   *
   * @param seconds the window's length
   * @param lostInKernel events the kernel could not hand over in the window (ring or map full)
   */
  ConnectionActivity take(double seconds, long lostInKernel) {
    List<ConnectionFlow> out = new ArrayList<>(flows.size());
    for (var entry : flows.entrySet()) {
      FlowKey k = entry.getKey();
      Tally t = entry.getValue();
      boolean anyConnect = t.connects > 0;
      out.add(
          new ConnectionFlow(
              k.tgid(),
              labels.comm(k.tgid(), t.threadComm),
              labels.container(k.cgroupId()),
              k.remote(),
              k.port(),
              t.connects,
              t.established,
              t.refused,
              t.timedOut,
              t.otherFailures,
              t.closes,
              t.percentile(0.5),
              t.percentile(0.99),
              anyConnect ? t.firstConnect : 0,
              anyConnect ? t.lastConnect : 0));
    }
    out.sort(Comparator.comparingLong(ConnectionFlow::connects).reversed());
    List<ListenerActivity> ls = new ArrayList<>(listeners.size());
    listeners.forEach(
        (port, t) ->
            ls.add(
                new ListenerActivity(
                    port, t.connects, t.closes, t.percentile(0.5), t.percentile(0.99))));
    ls.sort(Comparator.comparingLong(ListenerActivity::accepts).reversed());
    ConnectionActivity activity =
        new ConnectionActivity(
            seconds,
            out,
            ls,
            connects,
            accepts,
            OptionalLong.empty(),
            OptionalLong.empty(),
            dropped + lostInKernel);
    flows = new HashMap<>();
    listeners = new HashMap<>();
    connects = 0;
    accepts = 0;
    dropped = 0;
    return activity;
  }

  /** The connections that ended since the last call, oldest first, and how many did not fit. */
  EndedConnections takeEnded() {
    EndedConnections e = new EndedConnections(List.copyOf(ended), endedDropped);
    ended = new ArrayDeque<>();
    endedDropped = 0;
    return e;
  }

  private Tally flow(TraceEvent e) {
    FlowKey key = new FlowKey(e.tgid(), e.cgroupId(), e.remote(), e.remotePort());
    Tally t = flows.get(key);
    if (t == null) {
      if (flows.size() >= MAX_FLOWS) {
        dropped++;
        return null;
      }
      t = new Tally();
      t.threadComm = e.comm();
      flows.put(key, t);
    }
    return t;
  }

  private Tally listener(int port) {
    Tally t = listeners.get(port);
    if (t == null) {
      if (listeners.size() >= MAX_LISTENERS) {
        dropped++;
        return null;
      }
      t = new Tally();
      listeners.put(port, t);
    }
    return t;
  }
}
