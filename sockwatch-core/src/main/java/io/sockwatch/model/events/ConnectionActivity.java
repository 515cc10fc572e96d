package io.sockwatch.model.events;

import java.util.List;
import java.util.OptionalLong;

/**
 * What the kernel's connection events showed over one window: every connection a process opened and
 * every connection a listener accepted, counted as they happened, so a connection that opened and
 * closed between two scans still has its process. Absent (not empty) when the events could not be
 * had; the reason is then among the scan's unavailable items.
 *
 * @param seconds the window's length
 * @param flows outbound connections per (process, destination), most connects first; at most the
 *     tracer's cap, the rest counted in {@code droppedFlows}
 * @param listeners inbound connections per listening port
 * @param connects outbound connects seen in the window (all flows, capped or not)
 * @param accepts inbound connections seen established in the window
 * @param kernelActiveOpens the node's {@code TcpActiveOpens} growth over the same window, to judge
 *     coverage (connects / active opens), when both ends of the window were read
 * @param kernelPassiveOpens the node's {@code TcpPassiveOpens} growth over the window, likewise
 * @param droppedFlows flows (or events) lost to the tracer's bounds in the window
 */
public record ConnectionActivity(
    double seconds,
    List<ConnectionFlow> flows,
    List<ListenerActivity> listeners,
    long connects,
    long accepts,
    OptionalLong kernelActiveOpens,
    OptionalLong kernelPassiveOpens,
    long droppedFlows) {

  public ConnectionActivity {
    flows = List.copyOf(flows);
    listeners = List.copyOf(listeners);
  }
}
