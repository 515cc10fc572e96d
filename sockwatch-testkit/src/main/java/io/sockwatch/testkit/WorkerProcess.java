package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one worker JVM: starts it, follows its line protocol (see {@link
 * PopulationWorker}) and stops it. Only ever signals the process it started itself.
 *
 * <p>The worker's stderr is copied line by line to this JVM's {@link System#err} (prefixed with the
 * worker's subnet) rather than inherited: that way it passes through where test runners capture
 * output, and its last lines can be quoted when the worker fails.
 */
final class WorkerProcess {

  /**
   * IPv4 sockets (Java would otherwise make dual-stack IPv6 sockets that ss shows as {@code
   * [::ffff:127.77.1.1]}); small heap, one GC thread, C1 only: 60 of these must fit beside a
   * million sockets.
   */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Djava.net.preferIPv4Stack=true",
          "-Xmx64m",
          "-Xss512k",
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:-UsePerfData",
          "-XX:ActiveProcessorCount=1");

  private static final int STDERR_LINES_KEPT = 20;

  /** Marks the end of the worker's stdout in {@link #lines}; a distinct object, compared by ==. */
  private static final String END = new String("end of output");

  private final WorkerPlan plan;
  private final Process process;

  /** Lines the worker printed; {@link #END} once its stdout closed. */
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private final Deque<String> lastErrors = new ArrayDeque<>();

  private WorkerProcess(WorkerPlan plan, Process process) {
    this.plan = plan;
    this.process = process;
    // Platform threads: these readers block on the worker's pipes for the population's whole life,
    // and a virtual thread blocked on a pipe keeps its carrier; with as many workers as cores they
    // held every carrier, and later virtual threads of the JVM (SsTable's) never ran.
    Thread.ofPlatform().daemon().start(this::readLines);
    Thread.ofPlatform().daemon().start(this::copyStderr);
  }

  /**
   * Starts a worker JVM for {@code plan} with the same Java and the testkit's classes, in network
   * namespace {@code netns} (null: this process's own). {@code ip netns exec} execs the JVM in
   * place, so the process started is the worker itself.
   */
  static WorkerProcess launch(WorkerPlan plan, String netns) {
    List<String> cmd = new ArrayList<>();
    if (netns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", netns));
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(PopulationWorker.class.getName());
    cmd.addAll(plan.toArgs());
    try {
      return new WorkerProcess(plan, new ProcessBuilder(cmd).start());
    } catch (IOException e) {
      throw new PopulationException("cannot start a worker JVM: " + e.getMessage(), e);
    }
  }

  /**
   * Where the worker finds {@code PopulationWorker}: the testkit's own jar or classes directory (it
   * needs nothing else), so it works under test runners and benchmark jars alike; the current class
   * path when the code source is unknown.
   */
  private static String classPath() {
    var source = PopulationWorker.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        return Path.of(source.getLocation().toURI()).toString();
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        // Not a file location: fall through to the class path.
      }
    }
    return System.getProperty("java.class.path");
  }

  WorkerPlan plan() {
    return plan;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the worker holds its pairs ({@code HELD}).
   *
   * @return the number of socket descriptors the worker says it holds
   * @throws PopulationException when the worker fails, dies or is late; it is then killed
   */
  int awaitHeld(Duration timeout) {
    return awaitReport("HELD", timeout);
  }

  /** Tells a worker that holds its pairs to make its time-wait connections. */
  void finish() {
    try {
      OutputStream in = process.getOutputStream();
      in.write("finish\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    } catch (IOException e) {
      throw new PopulationException(describe() + " is gone: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the worker has made its time-wait connections too ({@code READY}).
   *
   * @return the number of socket descriptors the worker says it holds
   * @throws PopulationException when the worker fails, dies or is late; it is then killed
   */
  int awaitReady(Duration timeout) {
    return awaitReport("READY", timeout);
  }

  private int awaitReport(String word, Duration timeout) {
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
      throw new PopulationException("interrupted while waiting for " + describe());
    }
    if (line == null) {
      kill();
      throw new PopulationException(
          describe()
              + " did not report "
              + word
              + " within "
              + timeout.toSeconds()
              + " s"
              + stderrTail());
    }
    if (line == END) {
      int status = awaitExit(Duration.ofSeconds(5)) ? process.exitValue() : -1;
      throw new PopulationException(
          describe() + " exited (status " + status + ") before " + word + stderrTail());
    }
    if (line.startsWith(word + ' ')) {
      try {
        return Integer.parseInt(line.substring(word.length() + 1).strip());
      } catch (NumberFormatException e) {
        // Fall through: a malformed report is treated like any unexpected line.
      }
    }
    kill();
    String reason = line.startsWith("FAILED ") ? line.substring(7) : "said '" + line + "'";
    throw new PopulationException(describe() + " failed: " + reason + stderrTail());
  }

  /** Asks the worker to exit by closing its stdin; it resets its sockets as it goes. */
  void stop() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Its stdin is already broken, so the worker is already on its way out.
    }
  }

  /** Waits up to {@code timeout} for the worker to exit; true if it has. */
  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** SIGKILLs the worker; its sockets still go away by reset (they have SO_LINGER 0). */
  void kill() {
    process.destroyForcibly();
  }

  private String describe() {
    return "worker "
        + plan.subnet()
        + ".0/24 (pid "
        + process.pid()
        + ", "
        + plan.established()
        + " established, "
        + plan.closeWait()
        + " close-wait, "
        + plan.timeWait()
        + " time-wait)";
  }

  private String stderrTail() {
    synchronized (lastErrors) {
      return lastErrors.isEmpty()
          ? ""
          : "; its stderr ended with: " + String.join(" | ", lastErrors);
    }
  }

  private void readLines() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    } catch (IOException e) {
      // Treated like the end of output: the worker is gone or going.
    }
    lines.add(END);
  }

  private void copyStderr() {
    try (InputStream err = process.getErrorStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        System.err.println("[worker " + plan.subnet() + "] " + line);
        synchronized (lastErrors) {
          if (lastErrors.size() == STDERR_LINES_KEPT) {
            lastErrors.removeFirst();
          }
          lastErrors.addLast(line);
        }
      }
    } catch (IOException e) {
      // The worker is gone; there is nothing more to copy.
    }
  }
}
