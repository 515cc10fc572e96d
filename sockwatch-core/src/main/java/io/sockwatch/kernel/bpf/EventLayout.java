package io.sockwatch.kernel.bpf;

/**
 * The record the connection program writes into the ring buffer for every connection that ends, and
 * the value it keeps per open connection. One place for the offsets, shared by the program that
 * writes them and the decoder that reads them.
 */
final class EventLayout {

  /** Bytes of one event record. */
  static final int SIZE = 96;

  static final int NOW_NS = 0;
  static final int START_NS = 8;
  static final int PID_TGID = 16;
  static final int CGROUP_ID = 24;
  static final int COMM = 32;
  static final int COMM_LEN = 16;
  static final int NEW_STATE = 48;
  static final int OLD_STATE = 49;
  static final int FLAGS = 50;
  static final int FAMILY = 52;
  static final int SPORT = 54;
  static final int DPORT = 56;
  static final int SADDR = 64;
  static final int DADDR = 80;
  static final int ADDR_LEN = 16;

  /** Flags kept per connection (low byte copied into the event). */
  static final int FLAG_ACTIVE = 1;

  static final int FLAG_PASSIVE = 2;
  static final int FLAG_RESET = 8;

  /**
   * The value kept per open connection, keyed by the kernel's socket address: start time, opener,
   * its cgroup and command name, flags; the same order as the event's first fields after the
   * timestamp so a copy is one run.
   */
  static final int START_VALUE_SIZE = 48;

  static final int SV_START_NS = 0;
  static final int SV_PID_TGID = 8;
  static final int SV_CGROUP_ID = 16;
  static final int SV_COMM = 24;
  static final int SV_FLAGS = 40;

  /** Slots of the counters array. */
  static final int COUNTER_START_FULL = 0;

  static final int COUNTER_RING_FULL = 1;
  static final int COUNTERS = 4;

  // TCP states as the kernel numbers them.
  static final int TCP_ESTABLISHED = 1;
  static final int TCP_SYN_SENT = 2;
  static final int TCP_SYN_RECV = 3;
  static final int TCP_FIN_WAIT1 = 4;
  static final int TCP_CLOSE = 7;
  static final int TCP_CLOSE_WAIT = 8;

  private EventLayout() {}
}
