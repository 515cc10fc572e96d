package io.sockwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time consumed so far: this process's (all threads, user and system, from /proc/self/stat
 * through {@link ProcessHandle}) and the whole machine's busy time (/proc/stat, every CPU, all but
 * idle and iowait), so that work the kernel does outside this process (softirqs run elsewhere,
 * ksoftirqd) is counted too.
 */
record CpuTimes(long processNanos, long machineNanos) {

  /** Clock ticks per second of /proc/stat; USER_HZ is 100 on every Linux architecture in use. */
  static final long USER_HZ = 100;

  static CpuTimes now() throws IOException {
    long process =
        ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    return new CpuTimes(
        process,
        machineBusyTicks(Files.readString(Path.of("/proc/stat"))) * (1_000_000_000L / USER_HZ));
  }

  CpuTimes minus(CpuTimes earlier) {
    return new CpuTimes(processNanos - earlier.processNanos, machineNanos - earlier.machineNanos);
  }

  /**
   * Busy ticks of all CPUs from the {@code cpu} line of /proc/stat: user, nice, system, irq,
   * softirq and steal (guest time is already inside user); idle and iowait are not busy.
   */
  static long machineBusyTicks(String procStat) {
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
          busy += i < f.length ? Long.parseLong(f[i]) : 0;
        }
        return busy;
      }
    }
    throw new IllegalArgumentException("no cpu line in /proc/stat");
  }
}
