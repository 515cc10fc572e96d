package io.sockwatch.process;

/**
 * A process that holds socket descriptors.
 *
 * @param pid process id (in the reader's pid namespace)
 * @param comm short command name from {@code /proc/<pid>/comm}; empty when unreadable
 * @param cmdline full command line with NULs replaced by spaces, possibly truncated; empty for
 *     kernel threads or when unreadable
 */
public record ProcessInfo(int pid, String comm, String cmdline) {}
