package io.sockwatch.snapshot;

import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketOwners;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/** Builds {@link SnapshotReader}s over scripted sources for tests of other packages. */
public final class SnapshotReaderFixture {
  private SnapshotReaderFixture() {}

  /** A reader whose netlink source is {@code sockets}; the /proc source is never used. */
  public static SnapshotReader of(
      SocketTableSource sockets,
      Supplier<SocketOwners> owners,
      Supplier<NodeStats> node,
      Clock clock) {
    return new SnapshotReader(
        Path.of("/"), sockets, sockets, table -> owners.get(), node, true, clock, 0);
  }
}
