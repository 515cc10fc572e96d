package io.sockwatch.analysis;

import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.snapshot.Snapshot;
import java.util.List;
import java.util.TreeMap;

/** The processes behind a group of sockets, as {@code comm(pid)} in ascending pid order. */
final class ProcessSet {
  private final TreeMap<Integer, String> byPid = new TreeMap<>();

  void addOwners(Snapshot snapshot, SocketRecord s) {
    for (ProcessInfo p : snapshot.ownersOf(s)) {
      byPid.putIfAbsent(p.pid(), p.comm() + "(" + p.pid() + ")");
    }
  }

  List<String> list() {
    return List.copyOf(byPid.values());
  }

  /** "java(12), curl(40)" or "an unknown process". */
  String describe() {
    return byPid.isEmpty() ? "an unknown process" : String.join(", ", byPid.values());
  }
}
