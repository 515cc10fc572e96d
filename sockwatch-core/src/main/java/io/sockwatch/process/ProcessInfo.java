package io.sockwatch.process;

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
 */
public record ProcessInfo(int pid, String comm, String cmdline, long openFiles, long maxOpenFiles) {

  /** Value of {@link #openFiles} and {@link #maxOpenFiles} when not known. */
  public static final long ABSENT = -1;

  /** A process whose descriptor count and limit were not read (constructed input, tests). */
  public ProcessInfo(int pid, String comm, String cmdline) {
    this(pid, comm, cmdline, ABSENT, ABSENT);
  }
}
