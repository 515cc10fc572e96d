package io.sockwatch.model.finding;

import io.sockwatch.model.IpAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measured middlebox idle timeouts by peer address. IPv4-mapped IPv6 addresses are looked up as the
 * IPv4 address they carry, since a dual-stack socket shows an IPv4 peer that way.
 */
public final class MiddleboxTimeouts {

  public static final MiddleboxTimeouts NONE = new MiddleboxTimeouts(List.of());

  private final Map<IpAddress, MeasuredTimeout> byHost = new HashMap<>();

  /** Later entries for the same host replace earlier ones. */
  public MiddleboxTimeouts(Collection<MeasuredTimeout> measured) {
    for (MeasuredTimeout m : measured) {
      byHost.put(plain(m.host()), m);
    }
  }

  public Optional<MeasuredTimeout> forPeer(IpAddress peer) {
    return byHost.isEmpty() ? Optional.empty() : Optional.ofNullable(byHost.get(plain(peer)));
  }

  private static IpAddress plain(IpAddress a) {
    return a.isV4Mapped() ? IpAddress.ofV4((int) a.lo()) : a;
  }
}
