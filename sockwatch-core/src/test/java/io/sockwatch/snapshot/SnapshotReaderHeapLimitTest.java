package io.sockwatch.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.NodeStats;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.snapshot.Snapshot;
import io.sockwatch.model.snapshot.SocketFilter;
import io.sockwatch.model.snapshot.SourceChoice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The agent's heap bound: a table the sockstat counters say would not fit twice in the heap is not
 * read at all (the reason says how much heap it needs), while one that fits is read as usual.
 */
class SnapshotReaderHeapLimitTest {

  private final AtomicInteger tableReads = new AtomicInteger();
  private final AtomicInteger nodeReads = new AtomicInteger();

  private final SocketTableSource table =
      new SocketTableSource() {
        @Override
        public String name() {
          return "netlink";
        }

        @Override
        public SocketTable read(ScanRequest request) {
          tableReads.incrementAndGet();
          return new SocketTable("netlink", List.of(), List.of());
        }
      };

  private SnapshotReader reader(long inuse, long timeWait, long inuse6) {
    NodeStats node =
        new NodeStats(
            Map.of("TCP", Map.of("inuse", inuse, "tw", timeWait), "TCP6", Map.of("inuse", inuse6)),
            Map.of(),
            Map.of(),
            KernelTunables.NONE,
            List.of());
    return new SnapshotReader(
        Path.of("/"),
        table,
        table,
        sockets -> SocketOwners.EMPTY,
        () -> {
          nodeReads.incrementAndGet();
          return node;
        },
        true,
        Clock.systemUTC(),
        0);
  }

  private static final SnapshotReader.Options OPTIONS =
      new SnapshotReader.Options(SourceChoice.NETLINK, false, true, true);

  @Test
  void refusesATableThatWouldNotFitTwiceAndSaysHowMuchHeapItNeeds() {
    // 1M sockets at 512 bytes, two tables and buffers: 1,280,000,000 bytes, about 1220 MiB.
    SnapshotReader limited = reader(800_000, 150_000, 50_000).withHeapLimit(256L << 20);

    assertThatThrownBy(() -> limited.read(SocketFilter.ALL, OPTIONS))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("1,000,000 sockets need about 1220 MiB")
        .hasMessageContaining("limit is 256 MiB")
        .hasMessageContaining("SOCKWATCH_SERVE_HEAP=2048m");
    assertThat(tableReads).as("the table itself is never read").hasValue(0);
  }

  @Test
  void readsATableThatFits() throws SourceUnavailableException {
    // 100k sockets need about 122 MiB: within 256 MiB.
    SnapshotReader limited = reader(90_000, 10_000, 0).withHeapLimit(256L << 20);

    Snapshot s = limited.read(SocketFilter.ALL, OPTIONS);

    assertThat(s.source()).isEqualTo("netlink");
    assertThat(s.node()).isPresent();
    assertThat(tableReads).hasValue(1);
    assertThat(nodeReads).as("the counters checked are the snapshot's").hasValue(1);
  }

  @Test
  void withoutALimitNothingIsChecked() throws SourceUnavailableException {
    reader(10_000_000, 0, 0).read(SocketFilter.ALL, OPTIONS);

    assertThat(tableReads).hasValue(1);
  }
}
