package io.sockwatch.testkit;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The kernel limits that decide whether a population fits, read from /proc before anything is built
 * so a population that cannot fit fails with a reason instead of hanging or falling short half-way.
 * A value that could not be read is -1 (absent), and checks on it are skipped.
 *
 * @param openFilesSoft RLIMIT_NOFILE soft limit of this process (workers inherit it)
 * @param fileMax fs.file-max, the system-wide open-file limit
 * @param filesAllocated open files in the whole system now (first field of fs.file-nr)
 * @param timeWaitMax net.ipv4.tcp_max_tw_buckets: beyond it the kernel silently skips TIME_WAIT
 * @param timeWaitNow TIME_WAIT sockets in this network namespace now (/proc/net/sockstat)
 * @param portRangeLow first port of net.ipv4.ip_local_port_range
 * @param portRangeHigh last port of net.ipv4.ip_local_port_range
 * @param memAvailableKib MemAvailable from /proc/meminfo
 */
record HostLimits(
    long openFilesSoft,
    long fileMax,
    long filesAllocated,
    long timeWaitMax,
    long timeWaitNow,
    long portRangeLow,
    long portRangeHigh,
    long memAvailableKib) {

  static final long ABSENT = -1;

  /** Reads the limits of this process and its network namespace. */
  static HostLimits read() {
    return read(null);
  }

  /**
   * Reads the limits of this process, with the per-namespace ones (TIME_WAIT buckets and count,
   * port range) taken from network namespace {@code netns} (null: this process's own).
   */
  static HostLimits read(String netns) {
    String fileNr = slurp("/proc/sys/fs/file-nr");
    String range = slurp(netns, "/proc/sys/net/ipv4/ip_local_port_range");
    return new HostLimits(
        readOpenFilesSoft(),
        field(slurp("/proc/sys/fs/file-max"), 0),
        field(fileNr, 0),
        field(slurp(netns, "/proc/sys/net/ipv4/tcp_max_tw_buckets"), 0),
        sockstatTimeWait(slurp(netns, "/proc/net/sockstat")),
        field(range, 0),
        field(range, 1),
        memAvailableKib(slurp("/proc/meminfo")));
  }

  /** RLIMIT_NOFILE soft limit of this process, or {@link #ABSENT}. */
  static long readOpenFilesSoft() {
    return openFilesSoft(slurp("/proc/self/limits"));
  }

  /** Ports a client can get when it binds to one source address with port 0. */
  long portRangeSize() {
    return portRangeLow < 0 || portRangeHigh < portRangeLow
        ? ABSENT
        : portRangeHigh - portRangeLow + 1;
  }

  /** The soft "Max open files" of a /proc/PID/limits text; "unlimited" reads as Long.MAX_VALUE. */
  static long openFilesSoft(String limits) {
    for (String line : limits.lines().toList()) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : parse(soft);
      }
    }
    return ABSENT;
  }

  /** The {@code tw} count of the {@code TCP:} line of /proc/net/sockstat. */
  static long sockstatTimeWait(String sockstat) {
    for (String line : sockstat.lines().toList()) {
      if (line.startsWith("TCP:")) {
        String[] w = line.strip().split("\\s+");
        for (int i = 1; i + 1 < w.length; i++) {
          if (w[i].equals("tw")) {
            return parse(w[i + 1]);
          }
        }
      }
    }
    return ABSENT;
  }

  /** MemAvailable in KiB from a /proc/meminfo text. */
  static long memAvailableKib(String meminfo) {
    for (String line : meminfo.lines().toList()) {
      if (line.startsWith("MemAvailable:")) {
        return field(line.substring("MemAvailable:".length()), 0);
      }
    }
    return ABSENT;
  }

  /** The {@code index}-th whitespace-separated number of {@code text}. */
  static long field(String text, int index) {
    String[] w = text.strip().split("\\s+");
    return index < w.length ? parse(w[index]) : ABSENT;
  }

  private static long parse(String s) {
    try {
      long v = Long.parseLong(s);
      return v < 0 ? ABSENT : v;
    } catch (NumberFormatException e) {
      return ABSENT;
    }
  }

  /**
   * Reads a /proc file as seen from network namespace {@code netns} (by running {@code cat} in it),
   * or from this process's own when {@code netns} is null; "" when it cannot be read.
   */
  private static String slurp(String netns, String path) {
    if (netns == null) {
      return slurp(path);
    }
    try {
      Process p = new ProcessBuilder("ip", "netns", "exec", netns, "cat", path).start();
      p.getErrorStream().close();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return p.waitFor() == 0 ? text : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * Reads a /proc file as a stream. Not {@code Files.readString}: for /proc/sys files (size 0) it
   * returned only the first byte on this JDK and kernel ("2" for fs.file-max 2466183).
   */
  private static String slurp(String path) {
    try (FileInputStream in = new FileInputStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }
}
