package io.sockwatch.netns;

import io.sockwatch.kernel.sockdiag.Errno;
import io.sockwatch.model.SourceUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One platform thread that enters a namespace, runs a task there and returns to where it started. A
 * network namespace belongs to a thread, not a process: {@code setns} moves only the caller, and
 * every socket it then creates and every {@code /proc/sys/net} or {@code /proc/thread-self/net}
 * file it opens belongs to the namespace entered. A virtual thread could hop carriers between those
 * calls, hence a platform thread of its own.
 *
 * <p>The thread's own namespace is saved once, as an open descriptor of {@code
 * /proc/thread-self/ns/net}, before its first task. If returning to it fails, the thread is
 * <em>poisoned</em> (it would read the wrong namespace next time) and its owner retires it.
 */
final class NetnsThread {

  private static final Path OWN_LINK = Path.of("/proc/thread-self/ns/net");

  private final ExecutorService executor;
  private final Path homeFile;
  private volatile String poisoned;

  // Confined to the executor's thread.
  private NsCalls calls;
  private int homeFd = -1;

  NetnsThread(Path homeFile) {
    this.homeFile = homeFile;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("sockwatch-netns").daemon().unstarted(r));
  }

  /** Runs {@code task} inside {@code target} on this thread. */
  <T> Future<T> submit(NetnsTarget target, NetnsExecutor.Task<T> task) {
    return executor.submit(() -> run(target, task));
  }

  /** Why this thread may not be used again, or null if it may. */
  String poisoned() {
    return poisoned;
  }

  /** Closes the saved descriptor on the thread itself and lets the thread end. */
  void retire() {
    executor.execute(this::release);
    executor.shutdown();
  }

  private <T> T run(NetnsTarget target, NetnsExecutor.Task<T> task)
      throws SourceUnavailableException {
    if (poisoned != null) {
      throw new SourceUnavailableException(
          "The namespace reader thread is out of service: " + poisoned + ".");
    }
    saveHome();
    enter(target);
    try {
      checkArrival(target);
      return task.call();
    } finally {
      if (calls.setns(homeFd) != 0) {
        poisoned =
            "it could not return to its own network namespace after reading "
                + target.describe()
                + " (setns: "
                + Errno.describe(calls.errno())
                + ")";
      }
    }
  }

  private void saveHome() throws SourceUnavailableException {
    if (calls == null) {
      try {
        calls = new NsCalls();
      } catch (LinkageError | IllegalCallerException e) {
        throw new SourceUnavailableException(
            "Native access is disabled in this JVM, so other network namespaces cannot be entered"
                + " (run with --enable-native-access=ALL-UNNAMED).",
            e);
      }
    }
    if (homeFd < 0) {
      homeFd = calls.open(homeFile);
      if (homeFd < 0) {
        throw new SourceUnavailableException(
            "Cannot save the reader thread's own network namespace ("
                + homeFile
                + ": "
                + Errno.describe(calls.errno())
                + "), so no other one is entered.");
      }
    }
  }

  private void enter(NetnsTarget target) throws SourceUnavailableException {
    int fd = calls.open(target.wayIn());
    if (fd < 0) {
      int errno = calls.errno();
      throw new SourceUnavailableException(
          switch (errno) {
            case Errno.ENOENT ->
                target.describe() + " is gone: " + target.wayIn() + " no longer exists.";
            case Errno.EACCES, Errno.EPERM ->
                target.describe()
                    + ": permission denied to open "
                    + target.wayIn()
                    + " ("
                    + Errno.describe(errno)
                    + "); reading another namespace needs root.";
            default ->
                target.describe()
                    + ": cannot open "
                    + target.wayIn()
                    + " ("
                    + Errno.describe(errno)
                    + ").";
          });
    }
    int rc = calls.setns(fd);
    int errno = calls.errno();
    calls.close(fd);
    if (rc != 0) {
      throw new SourceUnavailableException(
          switch (errno) {
            case Errno.EPERM ->
                target.describe()
                    + ": permission denied to enter it (setns: "
                    + Errno.describe(errno)
                    + "); reading another namespace needs root (CAP_SYS_ADMIN).";
            case Errno.EINVAL ->
                target.describe() + ": " + target.wayIn() + " is not a network namespace.";
            default ->
                target.describe() + ": cannot enter it (setns: " + Errno.describe(errno) + ").";
          });
    }
  }

  /** Fails when the way in led elsewhere: its process exited and the pid was reused. */
  private static void checkArrival(NetnsTarget target) throws SourceUnavailableException {
    long here;
    try {
      here = NetnsLinkText.inodeOf(Files.readSymbolicLink(OWN_LINK).toString());
    } catch (IOException e) {
      throw new SourceUnavailableException(
          target.describe() + ": cannot tell which namespace was entered (" + e + ").");
    }
    if (here != target.inode()) {
      throw new SourceUnavailableException(
          target.describe()
              + " is gone: "
              + target.wayIn()
              + " now leads to net:["
              + here
              + "] (its process exited).");
    }
  }

  private void release() {
    if (calls != null) {
      if (homeFd >= 0) {
        calls.close(homeFd);
        homeFd = -1;
      }
      calls.close();
      calls = null;
    }
  }
}
