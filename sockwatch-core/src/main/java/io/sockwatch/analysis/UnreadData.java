package io.sockwatch.analysis;

import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;

/**
 * What a socket's receive queue says about its reader. The kernel reports the queue as {@code
 * rcv_nxt - copied_seq}, and a received FIN takes one sequence number, so a CLOSE_WAIT socket shows
 * one byte more than it holds until the application reads the end-of-file ({@code ss} shows the
 * well-known {@code Recv-Q 1} of an idle CLOSE_WAIT socket). Reading past the data consumes the FIN
 * and the queue drops to 0.
 */
final class UnreadData {
  private UnreadData() {}

  /**
   * Data bytes the application has not read: 0 for LISTEN (whose queue counts connections) and for
   * sockets without a receive queue figure, the FIN excluded in CLOSE_WAIT.
   */
  static long bytes(SocketRecord s) {
    if (s.state() == TcpState.LISTEN || s.receiveQueue() <= 0) {
      return 0;
    }
    return s.state() == TcpState.CLOSE_WAIT ? s.receiveQueue() - 1 : s.receiveQueue();
  }

  /**
   * Whether a CLOSE_WAIT socket's end-of-file is still unread: the application stopped reading the
   * socket altogether, rather than reading EOF and forgetting to close.
   */
  static boolean eofUnread(SocketRecord s) {
    return s.state() == TcpState.CLOSE_WAIT && s.receiveQueue() > 0;
  }
}
