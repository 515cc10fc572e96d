package io.sockwatch.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth for attribution tests: runs {@code ss -tanpeH <filter>} and parses each row's state,
 * local and peer endpoint (IPv4-mapped addresses unmapped), inode and owning pids.
 */
final class SsOwners {
  /** One ss row. */
  record Row(String state, String local, String peer, long inode, Set<Integer> pids) {}

  private static final Pattern INODE = Pattern.compile("\\bino:(\\d+)");
  private static final Pattern PID = Pattern.compile("\\bpid=(\\d+)");

  private SsOwners() {}

  /**
   * Writes an IPv4-mapped endpoint {@code [::ffff:127.0.0.1]:80} as {@code 127.0.0.1:80}: Java
   * opens dual-stack IPv6 sockets, bash and others IPv4 ones, and the tests match by address.
   */
  static String unmapped(String endpoint) {
    String prefix = "[::ffff:";
    int close = endpoint.indexOf("]:");
    return endpoint.startsWith(prefix) && close > 0
        ? endpoint.substring(prefix.length(), close) + endpoint.substring(close + 1)
        : endpoint;
  }

  /**
   * Runs ss with the given filter words. {@code ss -p} walks every process's descriptors itself,
   * which takes seconds when other socket populations are alive, hence the generous bound.
   */
  static List<Row> rows(String... filter) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ss", "-tanpeH"));
    command.addAll(List.of(filter));
    Path out = Files.createTempFile("ss-owners", ".txt");
    try {
      Process ss =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!ss.waitFor(180, TimeUnit.SECONDS)) {
        ss.destroyForcibly();
        throw new IOException("ss did not finish within 180 s: " + command);
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (ss.exitValue() != 0) {
        throw new IOException("ss failed (" + ss.exitValue() + "): " + text);
      }
      List<Row> rows = new ArrayList<>();
      for (String line : text.lines().toList()) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5) {
          continue;
        }
        Matcher ino = INODE.matcher(line);
        Set<Integer> pids = new TreeSet<>();
        for (Matcher m = PID.matcher(line); m.find(); ) {
          pids.add(Integer.parseInt(m.group(1)));
        }
        rows.add(
            new Row(
                f[0],
                unmapped(f[3]),
                unmapped(f[4]),
                ino.find() ? Long.parseLong(ino.group(1)) : 0,
                pids));
      }
      return rows;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
