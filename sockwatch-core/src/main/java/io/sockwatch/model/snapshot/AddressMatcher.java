package io.sockwatch.model.snapshot;

import io.sockwatch.model.IpAddress;

/**
 * Matches addresses against a network given as {@code ADDR} or {@code ADDR/PREFIX}. An IPv4 network
 * also matches the IPv4-mapped form {@code ::ffff:a.b.c.d} that dual-stack sockets show, because
 * users think of such peers as IPv4 hosts.
 */
public record AddressMatcher(IpAddress network, int prefixLength) {

  public AddressMatcher {
    int max = network.v6() ? 128 : 32;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length must be 0.." + max + ": /" + prefixLength);
    }
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1}, {@code [fe80::]/10}.
   *
   * @throws IllegalArgumentException with a readable message
   */
  public static AddressMatcher parse(String text) {
    String t = text.trim();
    int slash = t.lastIndexOf('/');
    IpAddress address = IpAddress.parse(slash >= 0 ? t.substring(0, slash) : t);
    int prefix = address.v6() ? 128 : 32;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      prefix = Integer.parseInt(p);
    }
    return new AddressMatcher(address, prefix);
  }

  public boolean matches(IpAddress a) {
    if (network.v6() == a.v6()) {
      return prefixMatch(
          network.hi(),
          network.lo(),
          a.hi(),
          a.lo(),
          network.v6() ? prefixLength : prefixLength + 96);
    }
    if (!network.v6() && a.isV4Mapped()) {
      return prefixMatch(0, network.lo(), 0, a.lo() & 0xffffffffL, prefixLength + 96);
    }
    return false;
  }

  /** Compares the first {@code bits} of two 128-bit numbers (IPv4 sits in the low 32 bits). */
  private static boolean prefixMatch(long h1, long l1, long h2, long l2, int bits) {
    if (bits <= 64) {
      return bits == 0 || (h1 ^ h2) >>> (64 - bits) == 0;
    }
    if (h1 != h2) {
      return false;
    }
    int lowBits = bits - 64;
    return (l1 ^ l2) >>> (64 - lowBits) == 0 || lowBits == 0;
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
