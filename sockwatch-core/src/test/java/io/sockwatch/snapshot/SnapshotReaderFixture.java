package io.sockwatch.snapshot;

import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.NodeStats;
import io.sockwatch.process.SocketOwners;
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
    return new SnapshotReader(sockets, sockets, owners, node, true, clock);
  }
}
