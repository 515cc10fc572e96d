package io.sockwatch.kernel.sockdiag;

import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.INET_DIAG_REQ_V2_LEN;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.IPPROTO_TCP;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLMSG_HDRLEN;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLM_F_DUMP;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.NLM_F_REQUEST;
import static io.sockwatch.kernel.sockdiag.SockDiagProtocol.SOCK_DIAG_BY_FAMILY;

import io.sockwatch.model.AddressFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes the request for a TCP socket dump: an nlmsghdr followed by {@code struct
 * inet_diag_req_v2} with an all-zero socket id, which matches every socket.
 */
final class DumpRequest {

  static final int LENGTH = NLMSG_HDRLEN + INET_DIAG_REQ_V2_LEN;

  private DumpRequest() {}

  /**
   * @param family which table to dump (IPv4-mapped sockets live in the IPv6 one)
   * @param stateMask {@code 1 << state} for every wanted kernel state
   * @param extensions {@code idiag_ext}: bits of the attributes wanted with each socket
   * @param sequence nlmsg_seq, echoed in the replies
   */
  static byte[] encode(AddressFamily family, int stateMask, int extensions, int sequence) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(LENGTH)
        .putShort((short) SOCK_DIAG_BY_FAMILY)
        .putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
        .putInt(sequence)
        .putInt(0) // nlmsg_pid: the kernel
        .put((byte) family.code())
        .put((byte) IPPROTO_TCP)
        .put((byte) extensions)
        .put((byte) 0)
        .putInt(stateMask);
    // The 48-byte inet_diag_sockid stays zero: any port, any address, any interface.
    return b.array();
  }
}
