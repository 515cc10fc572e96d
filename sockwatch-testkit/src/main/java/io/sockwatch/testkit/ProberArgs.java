package io.sockwatch.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What one {@link ProberMain} process does, parsed from its command line (pure, so it is tested
 * without processes):
 *
 * <pre>
 * [--listen ADDR:PORT] [--bind ADDR] [--interval-ms MS] [--rounds N] [--start] [PEER:PORT ...]
 * </pre>
 *
 * @param listen where to accept (and close) connections, or null for none
 * @param bind the source address of its own connections, or null for the kernel's choice
 * @param intervalMillis time between the starts of two rounds; a round connects once to each peer
 * @param rounds rounds at most (the run is bounded); by default as many as fit in {@link
 *     #DEFAULT_SECONDS}
 * @param startNow probe from the start instead of waiting for a {@code start} command
 * @param peers the {@code ADDR:PORT}s it connects to, in order
 */
public record ProberArgs(
    String listen,
    String bind,
    long intervalMillis,
    long rounds,
    boolean startNow,
    List<String> peers) {

  /** How long a prober probes at most when no round count is given: beyond any test's length. */
  public static final long DEFAULT_SECONDS = 900;

  static final int MAX_PEERS = 1000;
  static final long MAX_ROUNDS = 10_000_000;
  static final long MAX_INTERVAL_MILLIS = 3_600_000;

  public ProberArgs {
    peers = List.copyOf(peers);
    if (listen == null && peers.isEmpty()) {
      throw new IllegalArgumentException("nothing to do: give --listen ADDR:PORT or peers");
    }
    if (intervalMillis < 1 || intervalMillis > MAX_INTERVAL_MILLIS) {
      throw new IllegalArgumentException(
          "--interval-ms must be 1.." + MAX_INTERVAL_MILLIS + ", not " + intervalMillis);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) {
      throw new IllegalArgumentException("--rounds must be 1.." + MAX_ROUNDS + ", not " + rounds);
    }
    if (peers.size() > MAX_PEERS) {
      throw new IllegalArgumentException("at most " + MAX_PEERS + " peers, not " + peers.size());
    }
    if (listen != null) {
      requireEndpoint(listen);
    }
    peers.forEach(ProberArgs::requireEndpoint);
  }

  /** Parses the command line; bad input throws {@link IllegalArgumentException} with one line. */
  public static ProberArgs parse(List<String> args) {
    String listen = null;
    String bind = null;
    long interval = 1000;
    Long rounds = null;
    boolean start = false;
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--listen" -> listen = value(args, ++i, a);
        case "--bind" -> bind = value(args, ++i, a);
        case "--interval-ms" -> interval = number(value(args, ++i, a), a);
        case "--rounds" -> rounds = number(value(args, ++i, a), a);
        case "--start" -> start = true;
        default -> {
          if (a.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + a);
          }
          peers.add(a);
        }
      }
    }
    long r = rounds != null ? rounds : defaultRounds(interval);
    return new ProberArgs(listen, bind, interval, r, start, peers);
  }

  /**
   * Rounds that fit in {@link #DEFAULT_SECONDS} at {@code intervalMillis} (at least one; an
   * interval out of range is left for the constructor to reject).
   */
  public static long defaultRounds(long intervalMillis) {
    return Math.max(1, Math.ceilDiv(DEFAULT_SECONDS * 1000, Math.max(1, intervalMillis)));
  }

  /** The command line that {@link #parse} reads back into this record. */
  public List<String> toArgs() {
    List<String> out = new ArrayList<>();
    if (listen != null) {
      out.addAll(List.of("--listen", listen));
    }
    if (bind != null) {
      out.addAll(List.of("--bind", bind));
    }
    out.addAll(List.of("--interval-ms", Long.toString(intervalMillis)));
    out.addAll(List.of("--rounds", Long.toString(rounds)));
    if (startNow) {
      out.add("--start");
    }
    out.addAll(peers);
    return out;
  }

  /** The host part of {@code ADDR:PORT}. */
  static String host(String endpoint) {
    return endpoint.substring(0, endpoint.lastIndexOf(':'));
  }

  /** The port of {@code ADDR:PORT}. */
  static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private static void requireEndpoint(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected ADDR:PORT, not " + endpoint);
    }
    long port;
    try {
      port = Long.parseLong(endpoint.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected ADDR:PORT, not " + endpoint);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535 in " + endpoint);
    }
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }

  private static long number(String text, String option) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, not " + text);
    }
  }
}
