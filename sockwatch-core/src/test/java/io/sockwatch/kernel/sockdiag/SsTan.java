package io.sockwatch.kernel.sockdiag;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.SocketRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ground truth from iproute2: runs {@code ss -tanH} and turns each line into the {@link
 * SocketRecord#tupleKey()} format, so the two can be compared as sets.
 *
 * <p>ss prints a dual-stack IPv6 any-address as {@code *} (and a zero port as {@code *}),
 * brackets IPv6 addresses, and may append {@code %ifname} to a bound address; all of that is
 * normalized here by re-rendering the address through {@link IpAddress}.
 */
final class SsTan {

  private SsTan() {}

  /** Tuple keys of {@code ss -tanH [filter...]} in the caller's network namespace. */
  static Set<String> tupleKeys(String... filter) throws Exception {
    List<String> command = new ArrayList<>(List.of("ss", "-tanH"));
    command.addAll(List.of(filter));
    return parse(run(command.toArray(String[]::new)));
  }

  /** Tuple keys of {@code ss -tan}-style text (header-less lines; extra columns ignored). */
  static Set<String> parse(String text) {
    Set<String> keys = new LinkedHashSet<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue; // blank, or a continuation line of ss -i
      }
      String[] f = line.trim().split("\\s+");
      StringBuilder sb = new StringBuilder(64).append(f[0]).append(' ');
      endpoint(sb, f[3]);
      sb.append(' ');
      endpoint(sb, f[4]);
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
