package io.sockwatch.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds realistic kernel output for parser benchmarks: sock_diag replies laid out as Linux 6.18
 * sends them (inet_diag_msg + 280-byte tcp_info + skmem + congestion) and /proc/net/tcp text.
 */
final class SyntheticTables {
  private SyntheticTables() {}

  /** One recv's worth (about 32 KiB, as the kernel batches dumps) of ESTABLISHED IPv4 sockets. */
  static byte[] sockDiagBatch() {
    ByteBuffer b = ByteBuffer.allocate(32 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    while (b.remaining() >= 512) {
      int start = b.position();
      b.putInt(0).putShort((short) 20).putShort((short) 2).putInt(1).putInt(0); // nlmsghdr
      b.put((byte) 2).put((byte) 1).put((byte) 0).put((byte) 0); // family, state, timer, retrans
      b.order(ByteOrder.BIG_ENDIAN).putShort((short) (10000 + i % 50000)).putShort((short) 8080);
      b.putInt(0x7f000001).putInt(0).putLong(0).putInt(0x7f000002).putInt(0).putLong(0);
      b.order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(i).putInt(0); // if, cookie
      b.putInt(0).putInt(0).putInt(0).putInt(1000).putInt(100000 + i); // expires rq wq uid inode
      attribute(b, 2, new byte[280]); // INET_DIAG_INFO
      attribute(b, 7, new byte[36]); // SKMEMINFO
      attribute(b, 4, "cubic\0".getBytes(StandardCharsets.US_ASCII)); // CONG
      b.putInt(start, b.position() - start);
      i++;
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static void attribute(ByteBuffer b, int type, byte[] payload) {
    b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
    while (b.position() % 4 != 0) {
      b.put((byte) 0);
    }
  }

  /** {@code rows} lines of /proc/net/tcp (IPv4, ESTABLISHED and TIME_WAIT mixed). */
  static byte[] procNetTcp(int rows) {
    StringBuilder sb = new StringBuilder(rows * 150 + 200);
    sb.append(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
            + " inode\n");
    for (int i = 0; i < rows; i++) {
      boolean tw = i % 5 == 0;
      sb.append(
          String.format(
              "%4d: 0100007F:%04X 0200007F:1F90 %s 00000000:00000000 %s 00000000  %4d        0 %d 1"
                  + " 0000000000000000 20 4 30 10 -1%n",
              i,
              10000 + i % 50000,
              tw ? "06" : "01",
              tw ? "03:00001770" : "00:00000000",
              tw ? 0 : 1000,
              tw ? 0 : 100000 + i));
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
