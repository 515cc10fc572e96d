package io.sockwatch.kernel.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DuplicatesTest {

  private static SocketRecord socket(long cookie, int port) {
    return new SocketRecord(
        AddressFamily.INET,
        TcpState.ESTABLISHED,
        IpAddress.ofV4(0x7f000001),
        port,
        IpAddress.ofV4(0x7f000001),
        80,
        0,
        cookie,
        SocketTimer.OFF,
        0,
        0,
        0,
        0,
        0,
        1,
        TcpInfo.NONE,
        SkMemInfo.NONE,
        "");
  }

  @Test
  void keepsTheFirstOfEachCookieInOrder() {
    List<SocketRecord> in =
        List.of(socket(5, 1), socket(7, 2), socket(5, 3), socket(9, 4), socket(7, 5));
    assertThat(Duplicates.removeFrom(in))
        .extracting(SocketRecord::localPort)
        .containsExactly(1, 2, 4);
  }

  @Test
  void aTableWithoutRepeatsIsReturnedAsItIs() {
    List<SocketRecord> in = List.of(socket(1, 1), socket(2, 2), socket(0, 3));
    assertThat(Duplicates.removeFrom(in)).isSameAs(in);
  }

  @Test
  void absentCookiesAreNeverTreatedAsRepeats() {
    List<SocketRecord> in = List.of(socket(SocketRecord.ABSENT, 1), socket(SocketRecord.ABSENT, 2));
    assertThat(Duplicates.removeFrom(in)).hasSize(2);
  }

  @Test
  void agreesWithDistinctOnRandomCookies() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    List<SocketRecord> in = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      in.add(socket(r.nextLong(5_000), i));
    }
    long distinct = in.stream().mapToLong(SocketRecord::cookie).distinct().count();
    List<SocketRecord> out = Duplicates.removeFrom(in);
    assertThat(out).as("seed %d", seed).hasSize((int) distinct);
    assertThat(out.stream().mapToLong(SocketRecord::cookie).distinct().count()).isEqualTo(distinct);
  }
}
