package io.sockwatch.model;

/**
 * The timer pending on a socket, as the kernel reports it in {@code idiag_timer} and in the {@code
 * tr} column of {@code /proc/net/tcp} (both use the same numbers). A keepalive timer is how we know
 * SO_KEEPALIVE is on for an idle connection.
 */
public enum SocketTimer {
  OFF(0, "off"),
  RETRANSMIT(1, "on"),
  KEEPALIVE(2, "keepalive"),
  TIME_WAIT(3, "timewait"),
  ZERO_WINDOW_PROBE(4, "persist"),
  UNKNOWN(-1, "unknown");

  private final int code;
  private final String ssName;

  SocketTimer(int code, String ssName) {
    this.code = code;
    this.ssName = ssName;
  }

  public int code() {
    return code;
  }

  /** The word {@code ss -o} prints in {@code timer:(...)}. */
  public String ssName() {
    return ssName;
  }

  public static SocketTimer ofCode(int code) {
    return switch (code) {
      case 0 -> OFF;
      case 1 -> RETRANSMIT;
      case 2 -> KEEPALIVE;
      case 3 -> TIME_WAIT;
      case 4 -> ZERO_WINDOW_PROBE;
      default -> UNKNOWN;
    };
  }
}
