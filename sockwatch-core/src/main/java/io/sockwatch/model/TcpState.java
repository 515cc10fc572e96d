package io.sockwatch.model;

/**
 * TCP socket states as numbered by the kernel ({@code include/net/tcp_states.h}), with the short
 * names {@code ss} prints so that listings and ground-truth comparisons use one vocabulary.
 */
public enum TcpState {
  UNKNOWN(0, "UNKNOWN"),
  ESTABLISHED(1, "ESTAB"),
  SYN_SENT(2, "SYN-SENT"),
  SYN_RECV(3, "SYN-RECV"),
  FIN_WAIT1(4, "FIN-WAIT-1"),
  FIN_WAIT2(5, "FIN-WAIT-2"),
  TIME_WAIT(6, "TIME-WAIT"),
  CLOSE(7, "UNCONN"),
  CLOSE_WAIT(8, "CLOSE-WAIT"),
  LAST_ACK(9, "LAST-ACK"),
  LISTEN(10, "LISTEN"),
  CLOSING(11, "CLOSING"),
  /** Request socket of a half-open passive connection; {@code ss} shows it as SYN-RECV. */
  NEW_SYN_RECV(12, "SYN-RECV");

  private static final TcpState[] BY_CODE = new TcpState[13];

  static {
    for (TcpState s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;
  private final String ssName;

  TcpState(int code, String ssName) {
    this.code = code;
    this.ssName = ssName;
  }

  /** The kernel's number for this state. */
  public int code() {
    return code;
  }

  /** The name {@code ss} prints in its State column. */
  public String ssName() {
    return ssName;
  }

  /** The state with this kernel number, or {@link #UNKNOWN} for numbers a newer kernel may add. */
  public static TcpState ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
  }

  /**
   * Parses a state given by kernel name ({@code TIME_WAIT}), {@code ss} name ({@code time-wait}) or
   * lower-case kernel name; returns null when nothing matches.
   */
  public static TcpState parse(String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    if (t.equals("ESTAB")) {
      return ESTABLISHED;
    }
    if (t.equals("FIN_WAIT_1")) {
      return FIN_WAIT1;
    }
    if (t.equals("FIN_WAIT_2")) {
      return FIN_WAIT2;
    }
    if (t.equals("UNCONN")) {
      return CLOSE;
    }
    for (TcpState s : values()) {
      if (s.name().equals(t)) {
        return s;
      }
    }
    return null;
  }
}
