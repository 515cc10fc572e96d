package io.sockwatch.kernel.sockdiag;

import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_CONG;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_INFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_SKMEMINFO;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.extBit;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.TcpState;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the TCP socket table through netlink sock_diag ({@code SOCK_DIAG_BY_FAMILY} dumps), the
 * interface {@code ss} uses. It is the only source of tcp_info, socket memory, congestion algorithm
 * and socket cookies, and it filters states in the kernel, so a scan for, say, LISTEN sockets costs
 * nothing per established connection.
 *
 * <p>One dump per family, IPv4 then IPv6. Sockets that talk IPv4 through a dual-stack IPv6 socket
 * ({@code ::ffff:a.b.c.d}) appear under {@link AddressFamily#INET6}, as the kernel files them; they
 * are not repeated under IPv4.
 *
 * <p>Stateless and usable from any thread. Every {@link #read} opens its netlink sockets on the
 * calling thread, so a platform thread that has entered another network namespace ({@code setns})
 * reads that namespace's table. (A virtual thread makes its system calls on whichever carrier
 * thread runs it, so it reads the carrier's namespace.) Each receive waits at most five seconds, so
 * a wedged kernel reply shows up as an {@link Unavailable} entry rather than a hang.
 *
 * <p>Cost: the kernel answers a dump by walking its TCP hash tables, which all namespaces share, so
 * a dump in a small namespace on a host holding a million sockets elsewhere still takes a large
 * fraction of a second; asking only for LISTEN skips the connection table entirely. Per socket,
 * parsing costs well under a microsecond; the kernel's side dominates.
 *
 * <p>Little-endian hosts only (the parser's byte order); elsewhere {@link #read} throws.
 */
public final class NetlinkSockDiagSource implements SocketTableSource {

  /**
   * Receive buffer per dump. The kernel fills one batch of at most 32 KiB (less its skb overhead)
   * per receive, however large the buffer; 64 KiB leaves room should a future kernel batch more,
   * and replies that still do not fit are counted, not silently dropped.
   */
  static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

  private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(5);

  private final int bufferSize;

  public NetlinkSockDiagSource() {
    this(DEFAULT_BUFFER_SIZE);
  }

  /** For measuring other receive-buffer sizes. */
  NetlinkSockDiagSource(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  @Override
  public String name() {
    return "netlink";
  }

  /**
   * Dumps both families. A family whose dump fails or comes back damaged is reported in {@link
   * SocketTable#unavailable()} next to the sockets that were read.
   *
   * @throws SourceUnavailableException when no family could be read at all (no permission, no
   *     netlink, no sock_diag, native access disabled, a big-endian host), with the reason
   */
  @Override
  public SocketTable read(ScanRequest request) throws SourceUnavailableException {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new SourceUnavailableException(
          "The netlink source supports little-endian hosts only; this one is big-endian.");
    }
    int states = kernelStates(request);
    int extensions =
        request.details()
            ? extBit(INET_DIAG_INFO) | extBit(INET_DIAG_SKMEMINFO) | extBit(INET_DIAG_CONG)
            : 0;
    List<SocketRecord> sockets = new ArrayList<>();
    List<Unavailable> unavailable = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try (SockDiagChannel channel = openChannel()) {
      for (AddressFamily family : AddressFamily.values()) {
        String failure = dump(channel, family, states, extensions, sockets, unavailable);
        if (failure != null) {
          failures.add(failure);
        }
      }
    }
    if (failures.size() == AddressFamily.values().length) {
      throw new SourceUnavailableException(
          "Netlink sock_diag dumps failed: " + String.join("; ", failures) + ".");
    }
    List<SocketRecord> unique = Duplicates.removeFrom(sockets);
    if (request.details()) {
      olderKernelFields(unique).ifPresent(unavailable::add);
    }
    return new SocketTable(name(), unique, unavailable);
  }

  /**
   * One family's dump into {@code sockets}; problems go to {@code unavailable}.
   *
   * @return why the dump failed, or null if it completed (perhaps with damaged parts)
   * @throws SourceUnavailableException when no sock_diag socket can be opened: that holds for every
   *     family alike, so there is nothing to gain by going on
   */
  private static String dump(
      SockDiagChannel channel,
      AddressFamily family,
      int states,
      int extensions,
      List<SocketRecord> sockets,
      List<Unavailable> unavailable)
      throws SourceUnavailableException {
    String item = family == AddressFamily.INET ? "IPv4 sockets" : "IPv6 sockets";
    SockDiagParser parser = new SockDiagParser();
    SockDiagProblems problems = parser.problems();
    try {
      channel.startDump(family, states, extensions);
      SockDiagParser.Outcome outcome = SockDiagParser.Outcome.MORE;
      while (outcome == SockDiagParser.Outcome.MORE) {
        int n = channel.receive();
        if (channel.lastReplyTruncated()) {
          problems.oversizedReply();
        }
        outcome = parser.parse(channel.buffer(), n, sockets);
      }
    } catch (IOException e) {
      problems.fail(e.getMessage());
    }
    unavailable.addAll(problems.toUnavailable(item));
    return problems.failure() == null ? null : item + ": " + problems.failure();
  }

  /**
   * The kernel files half-open passive connections as NEW_SYN_RECV but reports them as SYN_RECV,
   * like {@code ss}; asking for either state therefore asks for both.
   */
  private static int kernelStates(ScanRequest request) {
    int mask = request.kernelStateMask();
    int synRecv = 1 << TcpState.SYN_RECV.code() | 1 << TcpState.NEW_SYN_RECV.code();
    return (mask & synRecv) != 0 ? mask | synRecv : mask;
  }

  private SockDiagChannel openChannel() throws SourceUnavailableException {
    try {
      return new SockDiagChannel(bufferSize, RECEIVE_TIMEOUT);
    } catch (LinkageError | IllegalCallerException e) {
      throw new SourceUnavailableException(
          "Native access is disabled in this JVM, so netlink cannot be used"
              + " (run with --enable-native-access=ALL-UNNAMED).",
          e);
    }
  }

  /**
   * Names the tcp_info fields sockwatch knows but this kernel did not send (an older kernel sends a
   * shorter struct), so that their absence from the output is explained rather than silent.
   */
  static java.util.Optional<Unavailable> olderKernelFields(List<SocketRecord> sockets) {
    int shortest = Integer.MAX_VALUE;
    for (SocketRecord s : sockets) {
      int n = s.tcpInfo().length();
      if (n > 0 && n < shortest) {
        shortest = n;
      }
    }
    if (shortest == Integer.MAX_VALUE) {
      return java.util.Optional.empty();
    }
    List<String> missing = new ArrayList<>();
    for (io.sockwatch.model.TcpInfoField f : io.sockwatch.model.TcpInfoField.values()) {
      if (!f.presentIn(shortest)) {
        missing.add(f.jsonName());
      }
    }
    if (missing.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Unavailable(
            "tcp_info " + String.join(", ", missing),
            "not sent by this kernel (its tcp_info is " + shortest + " bytes); omitted, not zero"));
  }
}
