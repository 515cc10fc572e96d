package io.sockwatch.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.PortRange;
import io.sockwatch.model.TcpState;
import org.junit.jupiter.api.Test;

class SocketFilterTest {

  @Test
  void parsesPortsAndRanges() {
    assertThat(SocketFilter.parsePorts("443")).isEqualTo(new PortRange(443, 443));
    assertThat(SocketFilter.parsePorts("8000-8100")).isEqualTo(new PortRange(8000, 8100));
    for (String bad : new String[] {"", "x", "70000", "10-5", "-1", "1-"}) {
      assertThatThrownBy(() -> SocketFilter.parsePorts(bad))
          .hasMessageContaining("not a port or port range");
    }
  }

  @Test
  void statesAreParsedInEveryCommonSpelling() {
    assertThat(TcpState.parse("established")).isEqualTo(TcpState.ESTABLISHED);
    assertThat(TcpState.parse("ESTAB")).isEqualTo(TcpState.ESTABLISHED);
    assertThat(TcpState.parse("time-wait")).isEqualTo(TcpState.TIME_WAIT);
    assertThat(TcpState.parse("CLOSE_WAIT")).isEqualTo(TcpState.CLOSE_WAIT);
    assertThat(TcpState.parse("fin-wait-1")).isEqualTo(TcpState.FIN_WAIT1);
    assertThat(TcpState.parse("nonsense")).isNull();
  }

  @Test
  void emptyStateSetAsksTheKernelForEverything() {
    assertThat(new ScanRequest(SocketFilter.ALL.statesToRead(), false).kernelStateMask())
        .isEqualTo(0x1fff);
  }
}
