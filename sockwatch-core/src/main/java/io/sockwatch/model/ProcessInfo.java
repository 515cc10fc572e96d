package io.sockwatch.model;

import java.util.Optional;

/**
 * A process that holds socket descriptors.
 *
 * @param pid process id (in the reader's pid namespace)
 * @param comm short command name from {@code /proc/<pid>/comm}; empty when unreadable
 * @param cmdline full command line with NULs replaced by spaces, possibly truncated; empty for
 *     kernel threads or when unreadable
 * @param openFiles descriptors of every kind the process had open when its descriptor table was
 *     read, or {@link #ABSENT}
 * @param maxOpenFiles its soft {@code RLIMIT_NOFILE} ("Max open files" in {@code
 *     /proc/<pid>/limits}), or {@link #ABSENT} when unreadable or unlimited: a process that leaks
 *     sockets (CLOSE_WAIT) fails with EMFILE once {@code openFiles} reaches it
 * @param container the container, pod or systemd unit its {@code /proc/<pid>/cgroup} names; {@link
 *     #NO_CONTAINER} when unreadable
 */
public record ProcessInfo(
    int pid,
    String comm,
    String cmdline,
    long openFiles,
    long maxOpenFiles,
    ContainerIdentity container) {

  /** Value of {@link #openFiles} and {@link #maxOpenFiles} when not known. */
  public static final long ABSENT = -1;

  /** The identity of a process whose cgroup was not read. */
  public static final ContainerIdentity NO_CONTAINER = ContainerIdentity.unknown("");

  /** A process whose cgroup was not read. */
  public ProcessInfo(int pid, String comm, String cmdline, long openFiles, long maxOpenFiles) {
    this(pid, comm, cmdline, openFiles, maxOpenFiles, NO_CONTAINER);
  }

  /**
   * A process whose descriptor count, limit and cgroup were not read (constructed input, tests).
   */
  public ProcessInfo(int pid, String comm, String cmdline) {
    this(pid, comm, cmdline, ABSENT, ABSENT, NO_CONTAINER);
  }

  /**
   * The container or pod label, when the process runs in one; host services (a systemd unit) and
   * unknown cgroups give none, since their namespace already says "host".
   */
  public Optional<String> containerLabel() {
    return container.isContainer() || !container.podUid().isEmpty()
        ? Optional.of(container.label())
        : Optional.empty();
  }
}
