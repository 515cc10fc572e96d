package io.sockwatch.model.events;

import java.util.List;

/**
 * The connections that ended over a window, oldest first, capped.
 *
 * @param connections those kept
 * @param dropped those that ended but did not fit the cap (the oldest go first)
 */
public record EndedConnections(List<ConnectionEvent> connections, long dropped) {
  public EndedConnections {
    connections = List.copyOf(connections);
  }
}
