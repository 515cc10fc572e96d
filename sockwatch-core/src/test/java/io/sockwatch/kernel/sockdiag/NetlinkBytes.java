package io.sockwatch.kernel.sockdiag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds sock_diag reply streams byte by byte for parser tests: well-formed messages with chosen
 * fields and attributes, and deliberately broken ones.
 */
final class NetlinkBytes {

  /** The fields of one inet_diag_msg; defaults describe an IPv4 ESTABLISHED socket. */
  static final class Socket {
    int family = 2;
    int state = 1;
    int timer;
    int retrans;
    int sport = 40000;
    int dport = 80;
    byte[] src = v4(127, 0, 0, 1);
    byte[] dst = v4(127, 0, 0, 2);
    int ifindex;
    long cookie = 0x1122334455667788L;
    int expires;
    int rqueue;
    int wqueue;
    int uid = 1000;
    int inode = 4242;
  }

  private final ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

  static byte[] v4(int a, int b, int c, int d) {
    return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
  }

  /** An rtattr: 4-byte header, payload, padding to 4 bytes. */
  static byte[] attr(int type, byte[] payload) {
    byte[] out = new byte[SockDiagProtocol.align(4 + payload.length)];
    ByteBuffer.wrap(out)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) (4 + payload.length))
        .putShort((short) type)
        .put(payload);
    return out;
  }

  /** An rtattr whose length field says {@code claimedLength} whatever follows. */
  static byte[] rawAttr(int claimedLength, int type, byte[] payload) {
    byte[] out = new byte[4 + payload.length];
    ByteBuffer.wrap(out)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) claimedLength)
        .putShort((short) type)
        .put(payload);
    return out;
  }

  /** A little-endian u32 array. */
  static byte[] u32s(int... values) {
    ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      out.putInt(v);
    }
    return out.array();
  }

  static byte[] cstring(String s) {
    return Arrays.copyOf(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), s.length() + 1);
  }

  NetlinkBytes socket(Socket s, byte[]... attrs) {
    int attrLen = 0;
    for (byte[] a : attrs) {
      attrLen += a.length;
    }
    header(SockDiagProtocol.ATTRS_OFFSET + attrLen, SockDiagProtocol.SOCK_DIAG_BY_FAMILY);
    b.put((byte) s.family).put((byte) s.state).put((byte) s.timer).put((byte) s.retrans);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) s.sport).putShort((short) s.dport);
    b.put(Arrays.copyOf(s.src, 16)).put(Arrays.copyOf(s.dst, 16));
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(s.ifindex);
    b.putInt((int) s.cookie).putInt((int) (s.cookie >>> 32));
    b.putInt(s.expires).putInt(s.rqueue).putInt(s.wqueue).putInt(s.uid).putInt(s.inode);
    for (byte[] a : attrs) {
      b.put(a);
    }
    return this;
  }

  NetlinkBytes done(int status) {
    header(20, SockDiagProtocol.NLMSG_DONE);
    b.putInt(status);
    return this;
  }

  NetlinkBytes error(int status) {
    header(36, SockDiagProtocol.NLMSG_ERROR);
    b.putInt(status);
    b.put(new byte[16]); // the request's header, echoed
    return this;
  }

  /** A message of any type with a free-form payload; {@code length} may lie. */
  NetlinkBytes message(int length, int type, byte[] payload) {
    header(length, type);
    b.put(payload);
    return this;
  }

  byte[] bytes() {
    return Arrays.copyOf(b.array(), b.position());
  }

  private void header(int length, int type) {
    b.putInt(length).putShort((short) type).putShort((short) 2).putInt(1).putInt(0);
  }
}
