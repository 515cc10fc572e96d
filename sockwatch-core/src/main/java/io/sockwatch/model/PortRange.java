package io.sockwatch.model;

/**
 * An inclusive port range such as {@code ip_local_port_range} (32768 60999) or one entry of {@code
 * ip_local_reserved_ports}.
 */
public record PortRange(int low, int high) {
  public PortRange {
    if (low < 0 || high > 65535 || low > high) {
      throw new IllegalArgumentException("bad port range " + low + "-" + high);
    }
  }

  public int size() {
    return high - low + 1;
  }

  public boolean contains(int port) {
    return port >= low && port <= high;
  }
}
