package io.sockwatch.kernel;

import io.sockwatch.model.TcpState;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a socket-table read should fetch. Asking for less is faster: the netlink source filters
 * states in the kernel and only requests tcp_info / skmem / congestion when {@code details}.
 *
 * @param states states to return (never empty)
 * @param details whether to fetch tcp_info, socket memory and congestion algorithm
 */
public record ScanRequest(Set<TcpState> states, boolean details) {

  public ScanRequest {
    if (states.isEmpty()) {
      throw new IllegalArgumentException("at least one state must be requested");
    }
    states = Set.copyOf(states);
  }

  /** Every state, without per-socket details (what {@code ss -tan} shows). */
  public static ScanRequest all() {
    return new ScanRequest(EnumSet.allOf(TcpState.class), false);
  }

  /** Every state with tcp_info, skmem and congestion (what {@code ss -tanim} shows). */
  public static ScanRequest allWithDetails() {
    return new ScanRequest(EnumSet.allOf(TcpState.class), true);
  }

  /** Bit mask of kernel state numbers ({@code 1 << code}) for sock_diag's idiag_states. */
  public int kernelStateMask() {
    int mask = 0;
    for (TcpState s : states) {
      mask |= 1 << s.code();
    }
    return mask;
  }
}
