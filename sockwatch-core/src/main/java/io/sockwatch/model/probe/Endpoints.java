package io.sockwatch.model.probe;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import java.net.InetSocketAddress;
import java.util.Locale;

/** How probe output spells addresses and durations. */
public final class Endpoints {
  private Endpoints() {}

  /** {@code 10.0.0.1:7007} or {@code [fd00::1]:7007}, always numeric and compressed. */
  public static String format(InetSocketAddress a) {
    if (a.getAddress() == null) {
      return a.getHostString() + ":" + a.getPort();
    }
    StringBuilder sb = new StringBuilder(48);
    SocketRecord.appendEndpoint(sb, IpAddress.ofBytes(a.getAddress().getAddress()), a.getPort());
    return sb.toString();
  }

  /** {@code 5 s}, {@code 18.75 s}. */
  public static String seconds(double s) {
    if (s == Math.rint(s)) {
      return (long) s + " s";
    }
    String t = String.format(Locale.ROOT, "%.2f", s);
    t = t.replaceAll("0+$", "");
    return t + " s";
  }
}
