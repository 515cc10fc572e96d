package io.sockwatch.testkit;

import java.util.List;

/**
 * Checks a planned population against the host's limits before any socket exists, so a population
 * that cannot fit fails at once with the limit and the remedy, never half-built or hung. Pure: it
 * judges the {@link HostLimits} it is given.
 */
final class Preflight {

  /** Descriptors a worker JVM may use besides its sockets; the rest of ulimit -n is for sockets. */
  static final int DESCRIPTOR_HEADROOM = 1000;

  /**
   * Kernel memory per held socket (sock, file, inode, idle buffers). A 1M population measured about
   * 2 KiB on 6.18; 5 KiB leaves room for kernels and configurations that use more.
   */
  static final long KIB_PER_HELD_SOCKET = 5;

  /** A TIME_WAIT socket is a small inet_timewait_sock: well under 1 KiB. */
  static final long KIB_PER_TIME_WAIT = 1;

  /** Resident memory of one worker JVM holding 19000 sockets: measured 66 MiB, plus margin. */
  static final long KIB_PER_WORKER = 80 * 1024;

  private Preflight() {}

  /**
   * The most socket descriptors one worker may hold under this process's RLIMIT_NOFILE (which
   * workers inherit), leaving {@link #DESCRIPTOR_HEADROOM} for the JVM itself.
   */
  static int descriptorsPerWorker(HostLimits limits) {
    long soft = limits.openFilesSoft();
    if (soft == HostLimits.ABSENT) {
      throw new PopulationException("cannot read RLIMIT_NOFILE from /proc/self/limits");
    }
    long usable = Math.min(soft, Integer.MAX_VALUE) - DESCRIPTOR_HEADROOM;
    if (usable < PopulationPlanner.MAX_LISTENERS + 2) {
      throw new PopulationException(
          "ulimit -n is "
              + soft
              + ": a worker needs more than "
              + DESCRIPTOR_HEADROOM
              + " descriptors; raise it");
    }
    return (int) usable;
  }

  /** Connections per client source address: 60% of the per-address port space. */
  static int perSource(HostLimits limits) {
    long size = limits.portRangeSize();
    return size == HostLimits.ABSENT ? 16_000 : (int) Math.max(1, size * 6 / 10);
  }

  /** Throws a {@link PopulationException} naming the first limit the plans would exceed. */
  static void check(HostLimits limits, List<WorkerPlan> plans) {
    long held = 0;
    long timeWait = 0;
    for (WorkerPlan p : plans) {
      held += p.heldDescriptors();
      timeWait += p.timeWait();
      if (limits.openFilesSoft() != HostLimits.ABSENT
          && p.peakDescriptors() > limits.openFilesSoft()) {
        throw new PopulationException(
            "a worker would need "
                + p.peakDescriptors()
                + " descriptors but ulimit -n is "
                + limits.openFilesSoft());
      }
    }
    long workerFiles = (long) plans.size() * WorkerPlan.JVM_DESCRIPTORS;
    if (limits.fileMax() != HostLimits.ABSENT
        && limits.filesAllocated() != HostLimits.ABSENT
        && limits.filesAllocated() + held + workerFiles > limits.fileMax()) {
      throw new PopulationException(
          "the population needs "
              + (held + workerFiles)
              + " more open files but fs.file-max is "
              + limits.fileMax()
              + " with "
              + limits.filesAllocated()
              + " in use: raise it"
              + " (sysctl -w fs.file-max=N) or build fewer sockets");
    }
    if (timeWait > 0
        && limits.timeWaitMax() != HostLimits.ABSENT
        && Math.max(0, limits.timeWaitNow()) + timeWait > limits.timeWaitMax()) {
      throw new PopulationException(
          "--time-wait "
              + timeWait
              + " (+"
              + Math.max(0, limits.timeWaitNow())
              + " TIME_WAIT already) exceeds net.ipv4.tcp_max_tw_buckets="
              + limits.timeWaitMax()
              + "; the kernel would silently drop the excess: sysctl -w "
              + "net.ipv4.tcp_max_tw_buckets="
              + 2 * (timeWait + Math.max(0, limits.timeWaitNow())));
    }
    long needKib =
        held * KIB_PER_HELD_SOCKET + timeWait * KIB_PER_TIME_WAIT + plans.size() * KIB_PER_WORKER;
    if (limits.memAvailableKib() != HostLimits.ABSENT
        && needKib > limits.memAvailableKib() * 9 / 10) {
      throw new PopulationException(
          "the population needs about "
              + needKib / 1024
              + " MiB ("
              + plans.size()
              + " worker JVMs and the kernel's socket memory) but only "
              + limits.memAvailableKib() / 1024
              + " MiB are available");
    }
  }
}
