package io.sockwatch.netns;

import io.sockwatch.model.SourceUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs reads inside other network namespaces on one dedicated platform thread (see {@link
 * NetnsThread}), one namespace at a time. A thread that could not return home, or whose task
 * overran the timeout, is retired and the next call starts a fresh one, so a bad namespace costs
 * one thread, never a wrong read later. Thread-safe: callers queue.
 *
 * <p>Entering costs two {@code setns} calls and a few microseconds; the reads themselves cost what
 * they cost in the caller's own namespace.
 */
public final class NetnsExecutor implements AutoCloseable {

  /** Work to do inside a namespace. */
  @FunctionalInterface
  public interface Task<T> {
    T call() throws SourceUnavailableException;
  }

  /** Longer than any bounded read inside (a netlink receive gives up after 5 s per family). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Path OWN_NAMESPACE = Path.of("/proc/thread-self/ns/net");

  private final Path homeFile;
  private final Duration timeout;
  private NetnsThread thread;
  private int retired;
  private String lastRetirement;
  private boolean closed;

  public NetnsExecutor() {
    this(OWN_NAMESPACE, DEFAULT_TIMEOUT);
  }

  /**
   * @param homeFile the file the thread saves as its own namespace (tests pass a file that is no
   *     network namespace to make the return fail)
   */
  NetnsExecutor(Path homeFile, Duration timeout) {
    this.homeFile = homeFile;
    this.timeout = timeout;
  }

  /**
   * Runs {@code task} inside {@code target} and returns its result.
   *
   * @throws SourceUnavailableException when the namespace cannot be entered (gone, not permitted),
   *     when the task throws it, or when the task overruns the timeout; the message names the
   *     namespace
   */
  public synchronized <T> T callIn(NetnsTarget target, Task<T> task)
      throws SourceUnavailableException {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (thread == null) {
      thread = new NetnsThread(homeFile);
    }
    Future<T> result = thread.submit(target, task);
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      result.cancel(true);
      retire("reading " + target.describe() + " took longer than " + timeout.toSeconds() + " s");
      throw new SourceUnavailableException(
          target.describe() + ": gave up after " + timeout.toSeconds() + " s.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      throw new SourceUnavailableException(target.describe() + ": interrupted.");
    } finally {
      if (thread != null && thread.poisoned() != null) {
        retire(thread.poisoned());
      }
    }
  }

  /** Threads retired so far because they could not return home or overran. */
  public synchronized int retiredThreads() {
    return retired;
  }

  /** Why the last thread was retired, if any was. */
  public synchronized Optional<String> lastRetirement() {
    return Optional.ofNullable(lastRetirement);
  }

  private void retire(String why) {
    thread.retire();
    thread = null;
    retired++;
    lastRetirement = why;
  }

  private static SourceUnavailableException unwrap(Throwable cause) {
    if (cause instanceof SourceUnavailableException s) {
      return s;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(cause);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.retire();
      thread = null;
    }
  }
}
