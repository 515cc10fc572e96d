package io.sockwatch.probe;

import java.net.InetSocketAddress;
import java.util.Locale;

/** How probe output spells addresses and durations. */
public final class Endpoints {
  private Endpoints() {}

  /** {@code 10.0.0.1:7007} or {@code [::1]:7007}, always numeric. */
  public static String format(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    int pct = host.indexOf('%');
    if (pct >= 0) {
      host = host.substring(0, pct);
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
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
