package io.sockwatch.watch;

import io.sockwatch.analysis.PortSpace;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.watch.TickStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Which processes were recently seen opening connections to each destination, remembered across
 * scans. Churn is hard to attribute: TIME_WAIT has no owner, and a connection that lives a few
 * milliseconds is rarely open both when a scan dumps the socket table and when it then reads its
 * process's descriptors. Each time a young connection is caught open with an owner (in the scan
 * that first lists it, or in the sampler's second, late read of the held sockets), its owner is
 * remembered for that destination, so a churning process named once stays named while its churn
 * goes on, and a process that merely holds a long-lived connection to the same destination is not
 * mistaken for the opener.
 *
 * <p>Why not remember owners by cookie, so that a TIME_WAIT socket (which keeps its cookie) names
 * the process that had it open? Because the only cookies that could be named that way are those
 * already caught open, whose owner and destination are known at that moment: remembering the
 * destination gives the same names with one entry per (destination, process) instead of one per
 * connection.
 *
 * <p>Bounded: at most {@link #MAX_DESTINATIONS} destinations (the least recently updated one is
 * dropped for a new one), {@link #OPENERS_PER_DESTINATION} processes each (the least recently seen
 * is replaced), and a process not seen opening to a destination for {@link #MEMORY_SECONDS} is
 * forgotten: at most 4096 entries, well under a megabyte. Not thread-safe: the sampler updates it
 * between ticks and trend detectors read it during a tick.
 */
final class RecentOpeners {

  static final int MAX_DESTINATIONS = 1024;
  static final int OPENERS_PER_DESTINATION = 4;
  static final long MEMORY_SECONDS = 600;

  /**
   * A process seen opening connections to a destination.
   *
   * @param process {@code comm(pid)}
   * @param lastSeen epoch second of the last scan that caught one of its new connections open
   * @param connections new connections caught open while remembered
   */
  public record Opener(String process, long lastSeen, long connections) {}

  private static final class Entry {
    final String process;
    long lastSeen;
    long connections;

    Entry(String process) {
      this.process = process;
    }
  }

  /** Insertion order is update order: the first destination is the least recently updated. */
  private final LinkedHashMap<String, List<Entry>> byDestination = new LinkedHashMap<>();

  /**
   * Applies one scan taken at {@code second}: owners of the outbound connections whose cookie is in
   * {@code newCookies} (first seen in this scan) are remembered, and entries older than {@link
   * #MEMORY_SECONDS} are forgotten. Sorts {@code newCookies} in place.
   */
  void update(Snapshot scan, long[] newCookies, long second) {
    forgetBefore(second - MEMORY_SECONDS);
    if (newCookies.length == 0) {
      return;
    }
    Arrays.sort(newCookies);
    remember(scan.sockets(), scan, c -> Arrays.binarySearch(newCookies, c) >= 0, second);
  }

  /**
   * Remembers the owners of young outbound connections in {@code late}, sockets read again right
   * after {@code scan}'s descriptor walk, with owners looked up in {@code scan}: a connection
   * opened after the scan's socket dump, found in its process's descriptors and still open at this
   * second read is caught here although the scan itself never listed it. See {@link Sampler}.
   *
   * @param young whether a cookie belongs to a connection opened since the previous scan
   */
  void updateLate(List<SocketRecord> late, Snapshot scan, LongPredicate young, long second) {
    remember(late, scan, young, second);
  }

  /**
   * Whether some destination of {@code stats} has short-lived churn (new connections already in
   * TIME_WAIT) and no remembered opener: the case a second, late read of the socket table is for.
   */
  boolean missesOpeners(TickStats stats) {
    for (TickStats.DestinationStat d : stats.destinations()) {
      if (d.newTimeWait() > 0 && !byDestination.containsKey(d.destination())) {
        return true;
      }
    }
    return false;
  }

  private void remember(
      List<SocketRecord> sockets, Snapshot scan, LongPredicate young, long second) {
    BitSet listening = null;
    for (SocketRecord s : sockets) {
      if (s.state() == TcpState.TIME_WAIT
          || s.state() == TcpState.LISTEN
          || s.cookie() == SocketRecord.ABSENT
          || s.inode() == 0
          || !young.test(s.cookie())) {
        continue;
      }
      List<ProcessInfo> owners = scan.owners().ownersOf(s.inode());
      if (owners.isEmpty()) {
        continue;
      }
      if (listening == null) {
        listening = PortSpace.listeningPorts(scan.sockets());
      }
      if (listening.get(s.localPort())) {
        continue; // accepted, not opened
      }
      String destination =
          PortSpace.endpoint(PortSpace.unmapped(s.remoteAddress()), s.remotePort());
      for (ProcessInfo p : owners) {
        seen(destination, ProcessLabel.of(p), second);
      }
    }
  }

  private void seen(String destination, String process, long second) {
    List<Entry> entries = byDestination.remove(destination);
    if (entries == null) {
      entries = new ArrayList<>(2);
      if (byDestination.size() >= MAX_DESTINATIONS) {
        Iterator<String> eldest = byDestination.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
    byDestination.put(destination, entries);
    Entry e = null;
    for (Entry x : entries) {
      if (x.process.equals(process)) {
        e = x;
      }
    }
    if (e == null) {
      if (entries.size() >= OPENERS_PER_DESTINATION) {
        entries.remove(
            entries.stream().min(Comparator.comparingLong((Entry x) -> x.lastSeen)).orElseThrow());
      }
      e = new Entry(process);
      entries.add(e);
    }
    e.lastSeen = second;
    e.connections++;
  }

  private void forgetBefore(long oldest) {
    for (Iterator<Map.Entry<String, List<Entry>>> it = byDestination.entrySet().iterator();
        it.hasNext(); ) {
      List<Entry> entries = it.next().getValue();
      entries.removeIf(e -> e.lastSeen < oldest);
      if (entries.isEmpty()) {
        it.remove();
      }
    }
  }

  /**
   * Processes seen opening connections to {@code destination} ({@code addr:port}, as in {@link
   * TickStats.DestinationStat#destination()}), most connections caught first, then most recent.
   */
  public List<Opener> openers(String destination) {
    List<Entry> entries = byDestination.get(destination);
    if (entries == null) {
      return List.of();
    }
    List<Opener> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(new Opener(e.process, e.lastSeen, e.connections));
    }
    out.sort(
        Comparator.comparingLong(Opener::connections)
            .thenComparingLong(Opener::lastSeen)
            .reversed()
            .thenComparing(Opener::process));
    return out;
  }

  /** Destinations remembered. */
  public int destinations() {
    return byDestination.size();
  }
}
