package io.sockwatch.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.snapshot.Snapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotTextWriterTest {

  private static SocketRecord socket(int i) {
    TcpState state = i % 3 == 0 ? TcpState.TIME_WAIT : TcpState.ESTABLISHED;
    return new SocketRecord(
        i % 2 == 0 ? AddressFamily.INET : AddressFamily.INET6,
        state,
        i % 2 == 0 ? IpAddress.ofV4(0x7f000001 + i) : IpAddress.ofV6(0x20010db8L << 32, i),
        1024 + i % 60000,
        i % 2 == 0 ? IpAddress.ofV4(0x0a000001) : IpAddress.parse("::1"),
        443,
        0,
        i,
        SocketTimer.OFF,
        0,
        0,
        i % 7,
        state == TcpState.TIME_WAIT ? SocketRecord.ABSENT : i % 5,
        1000,
        state == TcpState.TIME_WAIT ? 0 : 5000 + i,
        TcpInfo.NONE,
        SkMemInfo.NONE,
        "");
  }

  private static Snapshot snapshot(int n) {
    List<SocketRecord> sockets = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      sockets.add(socket(i));
    }
    return new Snapshot(
        Instant.EPOCH, "netlink", sockets, SocketOwners.EMPTY, true, Optional.empty(), List.of());
  }

  @Test
  void parallelFormattingKeepsEveryRowInKernelOrder() throws IOException {
    Snapshot snap = snapshot(50_000); // above the parallel threshold, many blocks
    StringWriter out = new StringWriter();
    new SnapshotTextWriter(out).writeListing(snap, false);

    ListingRows sequential = new ListingRows(snap, false);
    sequential.append(0, snap.sockets().size());
    assertThat(out.toString()).isEqualTo(ListingRows.HEADER + sequential.row);
    assertThat(out.toString().lines().count()).isEqualTo(50_001);
  }

  @Test
  void rowsShowStateQueuesEndpointsAndTheReasonForNoOwner() throws IOException {
    StringWriter out = new StringWriter();
    new SnapshotTextWriter(out).writeListing(snapshot(4), false);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(1))
        .startsWith("TIME-WAIT")
        .contains("127.0.0.1:1024")
        .contains("10.0.0.1:443")
        .endsWith("-time-wait-");
    assertThat(lines.get(1).split("\\s+")[2]).isEqualTo("-"); // send queue not reported
    assertThat(lines.get(2))
        .startsWith("ESTAB")
        .contains("[2001:db8::1]:1025")
        .contains("[::1]:443")
        .endsWith("-unknown-");
  }
}
