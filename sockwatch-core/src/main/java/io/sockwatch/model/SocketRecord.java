package io.sockwatch.model;

/**
 * One TCP socket as the kernel reported it, from either source. Fields a source cannot give are
 * {@link #ABSENT} (numbers), {@link TcpInfo#NONE}, {@link SkMemInfo#NONE} or an empty congestion
 * name; the owning {@link SocketTable} says which source produced the row and what it lacked.
 *
 * @param family address family of the socket (IPv4-mapped peers appear under INET6)
 * @param state TCP state
 * @param localAddress local address
 * @param localPort local port
 * @param remoteAddress peer address (the any-address for LISTEN)
 * @param remotePort peer port (0 for LISTEN)
 * @param interfaceIndex bound interface, 0 if none
 * @param cookie the kernel's 64-bit socket cookie (stable for the socket's life), or ABSENT
 * @param timer pending timer
 * @param timerRetransmits retransmits/probes counted by the timer ({@code idiag_retrans})
 * @param timerExpiresMillis milliseconds until the timer fires
 * @param receiveQueue bytes not yet read by the application; for LISTEN the accept-queue length
 * @param sendQueue bytes not yet acknowledged; for LISTEN the backlog
 * @param uid owning user id
 * @param inode socket inode (0 for TIME_WAIT and request sockets), the key to owning processes
 * @param tcpInfo tcp_info, or {@link TcpInfo#NONE}
 * @param skMem socket memory, or {@link SkMemInfo#NONE}
 * @param congestion congestion-control algorithm name, or empty
 */
public record SocketRecord(
    AddressFamily family,
    TcpState state,
    IpAddress localAddress,
    int localPort,
    IpAddress remoteAddress,
    int remotePort,
    int interfaceIndex,
    long cookie,
    SocketTimer timer,
    int timerRetransmits,
    long timerExpiresMillis,
    long receiveQueue,
    long sendQueue,
    long uid,
    long inode,
    TcpInfo tcpInfo,
    SkMemInfo skMem,
    String congestion) {

  public static final long ABSENT = TcpInfo.ABSENT;

  /** The 4-tuple plus state, as text: a stable key for comparing sources with each other and ss. */
  public String tupleKey() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(state.ssName()).append(' ');
    appendEndpoint(sb, localAddress, localPort);
    sb.append(' ');
    appendEndpoint(sb, remoteAddress, remotePort);
    return sb.toString();
  }

  /** Appends {@code addr:port}, bracketing IPv6 as {@code ss} does. */
  public static void appendEndpoint(StringBuilder sb, IpAddress address, int port) {
    if (address.v6()) {
      sb.append('[');
      address.appendTo(sb);
      sb.append(']');
    } else {
      address.appendTo(sb);
    }
    sb.append(':').append(port);
  }
}
