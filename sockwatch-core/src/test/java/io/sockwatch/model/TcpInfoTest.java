package io.sockwatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpInfoTest {

  private static byte[] filled(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i + 1);
    }
    return b;
  }

  @Test
  void fieldsBeyondThePayloadAreAbsentNotZero() {
    TcpInfo v61 = TcpInfo.copyOf(filled(232), 0, 232);
    assertThat(v61.has(TcpInfoField.SND_WND)).isTrue();
    assertThat(v61.get(TcpInfoField.RCV_WND)).isEqualTo(TcpInfo.ABSENT);
    assertThat(v61.get(TcpInfoField.TOTAL_RTO_TIME)).isEqualTo(TcpInfo.ABSENT);
    TcpInfo v67 = TcpInfo.copyOf(filled(248), 0, 248);
    assertThat(v67.get(TcpInfoField.TOTAL_RTO_TIME)).isNotEqualTo(TcpInfo.ABSENT);
  }

  @Test
  void decodesLittleEndianAtTheDocumentedOffsets() {
    byte[] b = new byte[280];
    b[68] = 0x10; // rtt = 0x00002710 = 10000 us
    b[69] = 0x27;
    b[120] = 1; // bytes_acked low byte
    b[127] = 0; // high byte
    b[240] = 3; // total_rto (u16)
    b[241] = 1;
    TcpInfo t = TcpInfo.copyOf(b, 0, b.length);
    assertThat(t.rttMicros()).isEqualTo(10000);
    assertThat(t.get(TcpInfoField.BYTES_ACKED)).isEqualTo(1);
    assertThat(t.get(TcpInfoField.TOTAL_RTO)).isEqualTo(0x103);
  }

  @Test
  void noneHasNoFields() {
    for (TcpInfoField f : TcpInfoField.values()) {
      assertThat(TcpInfo.NONE.get(f)).isEqualTo(TcpInfo.ABSENT);
    }
    assertThat(TcpInfo.NONE.isPresent()).isFalse();
  }

  @Test
  void fieldsDoNotOverlap() {
    TcpInfoField prev = null;
    for (TcpInfoField f : TcpInfoField.values()) {
      if (prev != null) {
        assertThat(f.offset()).as(f.name()).isGreaterThanOrEqualTo(prev.offset() + prev.width());
      }
      prev = f;
    }
  }
}
