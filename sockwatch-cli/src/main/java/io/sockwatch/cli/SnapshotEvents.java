package io.sockwatch.cli;

import io.sockwatch.ConnectionTracer;
import io.sockwatch.NodeReader;
import io.sockwatch.cli.output.ConnectionEventsWriter;
import io.sockwatch.cli.output.JsonWriter;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.ProcessLabel;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code snapshot --events SECONDS}: traces connections for a while and prints every one that
 * ended, as it ends (text) or all at the end (JSON), then the totals per process and destination
 * and how many of the kernel's own opens the events saw.
 */
final class SnapshotEvents {

  /** Connections kept for the JSON document; beyond it they are counted, not listed. */
  static final int MAX_LISTED = 100_000;

  private SnapshotEvents() {}

  static int run(
      double seconds, SocketFilter filter, boolean json, NodeReader reader, PrintWriter out)
      throws InterruptedException {
    ConnectionTracer tracer;
    try {
      tracer = ConnectionTracer.start();
    } catch (SourceUnavailableException e) {
      out.println("sockwatch snapshot: connection events unavailable: " + e.getMessage());
      out.flush();
      return 2;
    }
    try (tracer) {
      Optional<NodeStats> before = stats(reader);
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      ConnectionEventsWriter text = json ? null : new ConnectionEventsWriter(out, start);
      if (text != null) {
        text.header();
      }
      List<ConnectionEvent> listed = new ArrayList<>();
      long unlisted = 0;
      while (true) {
        long now = System.nanoTime();
        if (now < end) {
          Thread.sleep(Math.min(500, Math.max(1, (end - now) / 1_000_000)));
        }
        for (ConnectionEvent e : tracer.drainEvents()) {
          if (!matches(filter, e)) {
            continue;
          }
          if (text != null) {
            text.line(e);
          } else if (listed.size() < MAX_LISTED) {
            listed.add(e);
          } else {
            unlisted++;
          }
        }
        if (System.nanoTime() >= end) {
          break;
        }
      }
      Optional<NodeStats> after = stats(reader);
      ConnectionActivity total = tracer.drain().withKernelOpensBetween(before, after);
      Map<Integer, String> listeners = listenerOwners(reader);
      if (text != null) {
        text.totals(total, filter, tracer.eventsLost(), listeners);
      } else {
        ConnectionEventsWriter.json(
            new JsonWriter(out), seconds, listed, unlisted, total, listeners, tracer.eventsLost());
        out.write('\n');
      }
    }
    out.flush();
    return 0;
  }

  static boolean matches(SocketFilter f, ConnectionEvent e) {
    return (f.pids().isEmpty() || f.pids().contains(e.pid()))
        && (f.comms().isEmpty() || f.comms().contains(e.comm()))
        && f.sourcePorts().map(r -> r.contains(e.localPort())).orElse(true)
        && f.destinationPorts().map(r -> r.contains(e.remotePort())).orElse(true)
        && f.source().map(m -> m.matches(e.local())).orElse(true)
        && f.destination().map(m -> m.matches(e.remote())).orElse(true);
  }

  /**
   * The processes listening on each local port now, as {@code comm(pid)}: the accepting side of
   * inbound connections (an accept completes in the kernel, in no process's context).
   */
  private static Map<Integer, String> listenerOwners(NodeReader reader) {
    Map<Integer, String> owners = new HashMap<>();
    try {
      SocketFilter listening =
          new SocketFilter(
              EnumSet.of(TcpState.LISTEN),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Set.of(),
              Set.of());
      Snapshot snap = reader.scan(listening, new NodeReader.Parts(true, false, false)).merged();
      for (SocketRecord r : snap.sockets()) {
        String who =
            snap.ownersOf(r).stream()
                .map(p -> ProcessLabel.of(p.comm(), p.pid()))
                .distinct()
                .collect(Collectors.joining(","));
        if (!who.isEmpty()) {
          owners.merge(r.localPort(), who, (a, b) -> a.equals(b) ? a : a + "," + b);
        }
      }
    } catch (SourceUnavailableException e) {
      // The listing goes on without the listeners' owners.
    }
    return owners;
  }

  private static Optional<NodeStats> stats(NodeReader reader) {
    try {
      return Optional.of(reader.namespaceStats());
    } catch (SourceUnavailableException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
