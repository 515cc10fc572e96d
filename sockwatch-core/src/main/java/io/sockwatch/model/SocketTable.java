package io.sockwatch.model;

import java.util.List;

/**
 * The TCP sockets of one network namespace at one moment, with the source that read them and
 * everything it could not read.
 *
 * @param source {@code netlink} or {@code proc}
 * @param sockets the sockets, in kernel order
 * @param unavailable what the source lacked or failed to read (never silently zero)
 */
public record SocketTable(
    String source, List<SocketRecord> sockets, List<Unavailable> unavailable) {
  public SocketTable {
    sockets = List.copyOf(sockets);
    unavailable = List.copyOf(unavailable);
  }
}
