package io.sockwatch.kernel.sockdiag;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.AddressFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DumpRequestTest {

  @Test
  void encodesNlmsghdrAndInetDiagReqV2() {
    byte[] bytes = DumpRequest.encode(AddressFamily.INET6, 0x0402, 0x4a, 77);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(bytes).hasSize(72);
    assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(72);
    assertThat(b.getShort(4)).as("nlmsg_type").isEqualTo((short) 20);
    assertThat(b.getShort(6)).as("nlmsg_flags").isEqualTo((short) 0x301);
    assertThat(b.getInt(8)).as("nlmsg_seq").isEqualTo(77);
    assertThat(b.getInt(12)).as("nlmsg_pid").isZero();
    assertThat(bytes[16]).as("sdiag_family").isEqualTo((byte) 10);
    assertThat(bytes[17]).as("sdiag_protocol").isEqualTo((byte) 6);
    assertThat(bytes[18]).as("idiag_ext").isEqualTo((byte) 0x4a);
    assertThat(bytes[19]).as("pad").isZero();
    assertThat(b.getInt(20)).as("idiag_states").isEqualTo(0x0402);
    for (int i = 24; i < 72; i++) {
      assertThat(bytes[i]).as("inet_diag_sockid byte " + (i - 24)).isZero();
    }
  }

  @Test
  void extensionBitsAreOneBelowTheAttributeNumber() {
    assertThat(SockDiagProtocol.extBit(SockDiagProtocol.INET_DIAG_INFO)).isEqualTo(0x02);
    assertThat(SockDiagProtocol.extBit(SockDiagProtocol.INET_DIAG_CONG)).isEqualTo(0x08);
    assertThat(SockDiagProtocol.extBit(SockDiagProtocol.INET_DIAG_SKMEMINFO)).isEqualTo(0x40);
  }
}
