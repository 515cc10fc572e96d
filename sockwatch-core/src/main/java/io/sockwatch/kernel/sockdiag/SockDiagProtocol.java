package io.sockwatch.kernel.sockdiag;

/**
 * Numbers and offsets of the netlink sock_diag wire format ({@code linux/netlink.h}, {@code
 * linux/sock_diag.h}, {@code linux/inet_diag.h}) shared by the request encoder and the reply
 * parser. Multi-byte fields are in host order, which sockwatch requires to be little-endian; ports
 * and addresses are in network order.
 */
final class SockDiagProtocol {

  /** {@code sizeof(struct nlmsghdr)}. */
  static final int NLMSG_HDRLEN = 16;

  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;

  /** Request and reply type of an inet_diag dump. */
  static final int SOCK_DIAG_BY_FAMILY = 20;

  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_ROOT = 0x100;
  static final int NLM_F_MATCH = 0x200;
  static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

  static final int AF_NETLINK = 16;
  static final int NETLINK_SOCK_DIAG = 4;
  static final int IPPROTO_TCP = 6;

  /** {@code sizeof(struct inet_diag_req_v2)}. */
  static final int INET_DIAG_REQ_V2_LEN = 56;

  /** {@code sizeof(struct inet_diag_msg)}. */
  static final int INET_DIAG_MSG_LEN = 72;

  /** Where the first rtattr of a reply starts, counted from the start of its nlmsghdr. */
  static final int ATTRS_OFFSET = NLMSG_HDRLEN + INET_DIAG_MSG_LEN;

  // Offsets inside struct inet_diag_msg.
  static final int MSG_FAMILY = 0;
  static final int MSG_STATE = 1;
  static final int MSG_TIMER = 2;
  static final int MSG_RETRANS = 3;
  static final int MSG_SPORT = 4;
  static final int MSG_DPORT = 6;
  static final int MSG_SRC = 8;
  static final int MSG_DST = 24;
  static final int MSG_IF = 40;
  static final int MSG_COOKIE = 44;
  static final int MSG_EXPIRES = 52;
  static final int MSG_RQUEUE = 56;
  static final int MSG_WQUEUE = 60;
  static final int MSG_UID = 64;
  static final int MSG_INODE = 68;

  /** {@code sizeof(struct rtattr)}. */
  static final int RTA_HDRLEN = 4;

  /** The kernel ORs {@code NLA_F_NESTED} / {@code NLA_F_NET_BYTEORDER} into the type. */
  static final int NLA_TYPE_MASK = 0x3fff;

  static final int INET_DIAG_INFO = 2;
  static final int INET_DIAG_CONG = 4;
  static final int INET_DIAG_SKMEMINFO = 7;

  /** {@code idiag_ext} bit that asks for attribute {@code attr}. */
  static int extBit(int attr) {
    return 1 << (attr - 1);
  }

  /** Rounds a netlink length up to the 4-byte alignment of messages and attributes. */
  static int align(int length) {
    return (length + 3) & ~3;
  }

  private SockDiagProtocol() {}
}
