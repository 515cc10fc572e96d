package io.sockwatch.kernel;

import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;

/**
 * Reads the TCP socket table of the calling thread's network namespace. Implementations do I/O
 * only; parsing lives in pure classes beside them.
 */
public interface SocketTableSource {

  /** Short name shown to users: {@code netlink} or {@code proc}. */
  String name();

  /**
   * Reads the table. Partial failures (one file unreadable, a truncated dump) are reported in
   * {@link SocketTable#unavailable()}; only a source that cannot work at all throws.
   *
   * @throws SourceUnavailableException when this source cannot read anything here, with the reason
   *     in plain words (e.g. "netlink sock_diag not permitted: Operation not permitted")
   */
  SocketTable read(ScanRequest request) throws SourceUnavailableException;
}
