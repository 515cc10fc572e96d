package io.sockwatch.kernel.sockdiag;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.TcpState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Ground truth from iproute2: runs {@code ss -tanH} and turns each line into the {@link
 * SocketRecord#tupleKey()} format, so the two can be compared as sets.
 *
 * <p>ss prints a dual-stack IPv6 any-address as {@code *} (and a zero port as {@code *}), brackets
 * IPv6 addresses, and may append {@code %ifname} to a bound address; all of that is normalized here
 * by re-rendering the address through {@link IpAddress}.
 */
final class SsTan {

  private SsTan() {}

  /** Tuple keys of {@code ss -tanH} in the caller's network namespace. */
  static Set<String> tupleKeys() throws Exception {
    return parse(run("ss", "-tanH"), null);
  }

  /**
   * Tuple keys of {@code ss -tanH state NAME}. Filtered to one state, ss leaves out the State
   * column, so the state is filled in here.
   */
  static Set<String> tupleKeys(TcpState state) throws Exception {
    String name =
        switch (state) {
          case LISTEN -> "listening";
          case FIN_WAIT1 -> "fin-wait-1";
          case FIN_WAIT2 -> "fin-wait-2";
          case CLOSE -> "closed";
          default -> state.name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    return parse(run("ss", "-tanH", "state", name), state);
  }

  /** Tuple keys of {@code ss -tan}-style text (header-less lines; extra columns ignored). */
  static Set<String> parse(String text) {
    return parse(text, null);
  }

  /**
   * @param onlyState the state of every line when ss printed no State column, else null
   */
  private static Set<String> parse(String text, TcpState onlyState) {
    Set<String> keys = new LinkedHashSet<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue; // blank, or a continuation line of ss -i
      }
      String[] f = line.trim().split("\\s+");
      int c = onlyState == null ? 1 : 0;
      StringBuilder sb = new StringBuilder(64);
      sb.append(onlyState == null ? f[0] : onlyState.ssName()).append(' ');
      endpoint(sb, f[c + 2]);
      sb.append(' ');
      endpoint(sb, f[c + 3]);
      keys.add(sb.toString());
    }
    return keys;
  }

  private static void endpoint(StringBuilder sb, String text) {
    int colon = text.lastIndexOf(':');
    String address = text.substring(0, colon);
    String port = text.substring(colon + 1);
    int pct = address.indexOf('%');
    if (pct >= 0) {
      address = address.substring(0, pct) + (address.startsWith("[") ? "]" : "");
    }
    IpAddress ip = address.equals("*") ? IpAddress.V6_ANY : IpAddress.parse(address);
    SocketRecord.appendEndpoint(sb, ip, port.equals("*") ? 0 : Integer.parseInt(port));
  }

  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
