package io.sockwatch.analysis;

import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SkMemInfo;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTimer;
import io.sockwatch.model.TcpInfo;
import io.sockwatch.model.TcpInfoField;
import io.sockwatch.model.TcpState;

/** Builds synthetic {@link SocketRecord}s with a 280-byte tcp_info (as on 6.18) for unit tests. */
public final class Sock {
  private TcpState state;
  private IpAddress localAddress;
  private int localPort;
  private IpAddress remoteAddress;
  private int remotePort;
  private long cookie = SocketRecord.ABSENT;
  private SocketTimer timer = SocketTimer.OFF;
  private int timerRetransmits;
  private long timerExpires;
  private long receiveQueue;
  private long sendQueue;
  private long inode;
  private byte[] info = new byte[280];
  private SkMemInfo skMem = SkMemInfo.NONE;

  private Sock(TcpState state, String local, String remote) {
    this.state = state;
    int l = local.lastIndexOf(':');
    int r = remote.lastIndexOf(':');
    this.localAddress = IpAddress.parse(local.substring(0, l));
    this.localPort = Integer.parseInt(local.substring(l + 1));
    this.remoteAddress = IpAddress.parse(remote.substring(0, r));
    this.remotePort = Integer.parseInt(remote.substring(r + 1));
  }

  public static Sock of(TcpState state, String local, String remote) {
    return new Sock(state, local, remote);
  }

  public static Sock established(String local, String remote) {
    return new Sock(TcpState.ESTABLISHED, local, remote);
  }

  public static Sock listen(String local) {
    return new Sock(TcpState.LISTEN, local, "0.0.0.0:0").noInfo();
  }

  public Sock cookie(long c) {
    cookie = c;
    return this;
  }

  public Sock inode(long i) {
    inode = i;
    return this;
  }

  public Sock timer(SocketTimer t, int retransmits, long expiresMillis) {
    timer = t;
    timerRetransmits = retransmits;
    timerExpires = expiresMillis;
    return this;
  }

  public Sock queues(long receive, long send) {
    receiveQueue = receive;
    sendQueue = send;
    return this;
  }

  /** Idle times in ms: last data received, last data sent, last ACK received. */
  public Sock idle(long recvMillis, long sentMillis, long ackMillis) {
    return set(TcpInfoField.LAST_DATA_RECV, recvMillis)
        .set(TcpInfoField.LAST_DATA_SENT, sentMillis)
        .set(TcpInfoField.LAST_ACK_RECV, ackMillis);
  }

  public Sock set(TcpInfoField f, long value) {
    for (int i = 0; i < f.width(); i++) {
      info[f.offset() + i] = (byte) (value >>> (8 * i));
    }
    return this;
  }

  /** A tcp_info cut to {@code length} bytes, as an older kernel sends it. */
  public Sock infoLength(int length) {
    info = java.util.Arrays.copyOf(info, length);
    return this;
  }

  /** No tcp_info at all, as from the /proc source. */
  public Sock noInfo() {
    info = new byte[0];
    return this;
  }

  public Sock drops(long drops) {
    skMem = new SkMemInfo(0, 0, 0, 0, 0, 0, 0, 0, drops);
    return this;
  }

  public SocketRecord build() {
    return new SocketRecord(
        localAddress.v6() ? AddressFamily.INET6 : AddressFamily.INET,
        state,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        0,
        cookie,
        timer,
        timerRetransmits,
        timerExpires,
        receiveQueue,
        sendQueue,
        0,
        inode,
        TcpInfo.copyOf(info, 0, info.length),
        skMem,
        "");
  }
}
