package io.sockwatch.model.watch;

import io.sockwatch.model.TcpState;
import java.util.Locale;

/**
 * Names of the series the agent records, spelled as the Prometheus metrics it exports, so that
 * {@code /api/history?series=sockwatch_sockets{state="time_wait"}} and the metric are one name.
 */
public final class SeriesNames {

  public static final String SOCKETS = "sockwatch_sockets";
  public static final String NEW_CONNECTIONS = "sockwatch_new_connections_per_second";
  public static final String NEW_TIME_WAIT = "sockwatch_new_time_wait_per_second";
  public static final String PROCESS_SOCKETS = "sockwatch_process_sockets";
  public static final String PROCESS_CLOSE_WAIT = "sockwatch_process_close_wait_sockets";
  public static final String PROCESS_NEW = "sockwatch_process_new_connections_per_second";
  public static final String DESTINATION_OPEN = "sockwatch_destination_open_sockets";
  public static final String DESTINATION_TIME_WAIT = "sockwatch_destination_time_wait_sockets";
  public static final String DESTINATION_NEW = "sockwatch_destination_new_connections_per_second";
  public static final String DESTINATION_NEW_TIME_WAIT =
      "sockwatch_destination_new_time_wait_per_second";
  public static final String TCP_INUSE = "sockwatch_node_tcp_inuse_sockets";
  public static final String TCP_ORPHANS = "sockwatch_node_tcp_orphan_sockets";
  public static final String TCP_TIME_WAIT = "sockwatch_node_tcp_time_wait_sockets";
  public static final String TCP_MEMORY = "sockwatch_node_tcp_memory_pages";
  public static final String TCP_MEM_LIMIT = "sockwatch_node_tcp_mem_limit_pages";
  public static final String TCP_MAX_ORPHANS = "sockwatch_node_tcp_max_orphans";
  public static final String ACTIVE_OPENS = "sockwatch_node_tcp_active_opens_per_second";
  public static final String PASSIVE_OPENS = "sockwatch_node_tcp_passive_opens_per_second";
  public static final String CONNTRACK = "sockwatch_node_conntrack_entries";
  public static final String CONNTRACK_MAX = "sockwatch_node_conntrack_max_entries";
  public static final String PORT_RANGE = "sockwatch_node_ephemeral_ports";
  public static final String SCAN_SECONDS = "sockwatch_scan_duration_seconds";

  private SeriesNames() {}

  /** {@code state} label value: the kernel's name in lower case, {@code time_wait}. */
  public static String state(TcpState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  public static SeriesKey sockets(TcpState s) {
    return SeriesKey.of(SOCKETS, "state", state(s));
  }

  public static SeriesKey process(String name, String processLabel) {
    return SeriesKey.of(name, "process", processLabel);
  }

  public static SeriesKey destination(String name, String destination) {
    return SeriesKey.of(name, "destination", destination);
  }

  public static SeriesKey node(String name) {
    return SeriesKey.of(name);
  }
}
