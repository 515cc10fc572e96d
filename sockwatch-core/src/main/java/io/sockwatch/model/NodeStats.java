package io.sockwatch.model;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Node (network-namespace) counters: {@code /proc/net/sockstat{,6}}, {@code /proc/net/snmp}, {@code
 * /proc/net/netstat} and the TCP sysctls. Counter maps keep every field by the kernel's own name in
 * file order, so fields added by newer kernels come along without code changes.
 *
 * @param sockstat section ("sockets", "TCP", "TCP6", ...) to field ("inuse", "tw", "mem", ...)
 * @param snmp protocol ("Tcp", "Ip", ...) to counter ("ActiveOpens", ...)
 * @param netstat extension ("TcpExt", "IpExt", ...) to counter ("ListenOverflows", ...)
 * @param tunables the TCP sysctls
 * @param unavailable what could not be read, and why
 */
public record NodeStats(
    Map<String, Map<String, Long>> sockstat,
    Map<String, Map<String, Long>> snmp,
    Map<String, Map<String, Long>> netstat,
    KernelTunables tunables,
    List<Unavailable> unavailable) {

  public NodeStats {
    sockstat = copy(sockstat);
    snmp = copy(snmp);
    netstat = copy(netstat);
    unavailable = List.copyOf(unavailable);
  }

  private static Map<String, Map<String, Long>> copy(Map<String, Map<String, Long>> m) {
    var out = new java.util.LinkedHashMap<String, Map<String, Long>>();
    m.forEach(
        (k, v) ->
            out.put(k, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(v))));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** One counter, e.g. {@code sockstat("TCP", "mem")}; empty if the kernel did not report it. */
  public OptionalLong sockstat(String section, String field) {
    return lookup(sockstat, section, field);
  }

  public OptionalLong snmp(String protocol, String counter) {
    return lookup(snmp, protocol, counter);
  }

  public OptionalLong netstat(String extension, String counter) {
    return lookup(netstat, extension, counter);
  }

  private static OptionalLong lookup(Map<String, Map<String, Long>> m, String a, String b) {
    Map<String, Long> inner = m.get(a);
    Long v = inner == null ? null : inner.get(b);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
