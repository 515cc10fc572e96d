package io.sockwatch.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What one worker process builds, and where. It travels from parent to worker as command-line
 * arguments, so both sides derive the same addresses from one definition.
 *
 * <p>Worker {@code w} owns the /24 {@code subnet} (e.g. {@code 127.77.5}): its listeners are {@code
 * .1} (established), {@code .2} (close-wait) and {@code .3} (time-wait), all on {@code port}; its
 * clients bind to {@code .10} upwards with port 0, {@code perSource} connections per address, so
 * the kernel picks each source port from a nearly empty per-address port space instead of the
 * shared ephemeral range.
 *
 * @param subnet the first three octets of the worker's addresses, e.g. {@code 127.77.5}
 * @param port the listening port of all the population's listeners
 * @param established connected pairs to hold
 * @param closeWait pairs to hold whose client has shut down its sending side
 * @param timeWait connections to close client-first, leaving the client socket in TIME_WAIT
 * @param perSource connections per client source address
 */
record WorkerPlan(
    String subnet, int port, int established, int closeWait, int timeWait, int perSource) {

  static final int ESTABLISHED_HOST = 1;
  static final int CLOSE_WAIT_HOST = 2;
  static final int TIME_WAIT_HOST = 3;
  static final int FIRST_SOURCE_HOST = 10;
  static final int LAST_SOURCE_HOST = 254;

  /** Descriptors a worker keeps besides its sockets: JVM jars, stdio, /dev/random and the like. */
  static final int JVM_DESCRIPTORS = 64;

  WorkerPlan {
    if (established < 0 || closeWait < 0 || timeWait < 0 || perSource < 1) {
      throw new IllegalArgumentException("negative count in worker plan");
    }
    if (port < 1 || port > 0xffff) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    long connections = (long) established + closeWait + timeWait;
    if (connections > (long) perSource * (LAST_SOURCE_HOST - FIRST_SOURCE_HOST + 1)) {
      throw new IllegalArgumentException(
          "worker plan needs more source addresses than its /24 has: " + connections);
    }
  }

  /** Listening sockets: one per kind of connection the worker makes. */
  int listeners() {
    return (established > 0 ? 1 : 0) + (closeWait > 0 ? 1 : 0) + (timeWait > 0 ? 1 : 0);
  }

  /** Socket descriptors held once built: both ends of each held pair, plus the listeners. */
  int heldDescriptors() {
    return 2 * (established + closeWait) + listeners();
  }

  /**
   * Descriptors needed at the peak of building: held ones, the two ends of one time-wait connection
   * being made, and the JVM's own.
   */
  int peakDescriptors() {
    return heldDescriptors() + (timeWait > 0 ? 2 : 0) + JVM_DESCRIPTORS;
  }

  /** Dotted address of host {@code host} in this worker's subnet. */
  String address(int host) {
    return subnet + '.' + host;
  }

  /** {@code a.b.c.d:port} of every listener this worker opens. */
  List<String> listenerEndpoints() {
    List<String> out = new ArrayList<>(3);
    if (established > 0) {
      out.add(address(ESTABLISHED_HOST) + ':' + port);
    }
    if (closeWait > 0) {
      out.add(address(CLOSE_WAIT_HOST) + ':' + port);
    }
    if (timeWait > 0) {
      out.add(address(TIME_WAIT_HOST) + ':' + port);
    }
    return out;
  }

  List<String> toArgs() {
    return List.of(
        subnet,
        Integer.toString(port),
        Integer.toString(established),
        Integer.toString(closeWait),
        Integer.toString(timeWait),
        Integer.toString(perSource));
  }

  /**
   * Reads the arguments {@link #toArgs()} wrote.
   *
   * @throws IllegalArgumentException with a readable message for anything else
   */
  static WorkerPlan fromArgs(String[] args) {
    if (args.length != 6) {
      throw new IllegalArgumentException(
          "usage: PopulationWorker SUBNET PORT ESTABLISHED CLOSE_WAIT TIME_WAIT PER_SOURCE");
    }
    String[] octets = args[0].split("\\.", -1);
    if (octets.length != 3 || !octets[0].equals("127")) {
      throw new IllegalArgumentException("subnet must be 127.x.y, not " + args[0]);
    }
    for (String o : octets) {
      int v = number(o, "subnet octet");
      if (v > 255) {
        throw new IllegalArgumentException("subnet must be 127.x.y, not " + args[0]);
      }
    }
    return new WorkerPlan(
        args[0],
        number(args[1], "port"),
        number(args[2], "established"),
        number(args[3], "close-wait"),
        number(args[4], "time-wait"),
        number(args[5], "per-source"));
  }

  private static int number(String text, String what) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number: " + text);
    }
  }
}
