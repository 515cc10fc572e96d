package io.sockwatch.kernel.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OlderKernelFieldsTest {

  private static SocketRecord withInfo(int length) {
    return new SocketRecord(
        AddressFamily.INET,
        TcpState.ESTABLISHED,
        IpAddress.ofV4(0x7f000001),
        1,
        IpAddress.ofV4(0x7f000001),
        2,
        0,
        1,
        SocketTimer.OFF,
        0,
        0,
        0,
        0,
        0,
        1,
        TcpInfo.copyOf(new byte[length], 0, length),
        SkMemInfo.NONE,
        "");
  }

  @Test
  void a61KernelExplainsTheFieldsItLacks() {
    Optional<Unavailable> u =
        NetlinkSockDiagSource.olderKernelFields(List.of(withInfo(280), withInfo(232)));
    assertThat(u).isPresent();
    assertThat(u.get().item())
        .startsWith("tcp_info rcv_wnd, rehash, total_rto")
        .endsWith("total_rto_time");
    assertThat(u.get().reason()).contains("232 bytes").contains("not zero");
  }

  @Test
  void aCurrentKernelOrNoTcpInfoSaysNothing() {
    assertThat(NetlinkSockDiagSource.olderKernelFields(List.of(withInfo(280)))).isEmpty();
    assertThat(NetlinkSockDiagSource.olderKernelFields(List.of(withInfo(0)))).isEmpty();
    assertThat(NetlinkSockDiagSource.olderKernelFields(List.of())).isEmpty();
  }
}
