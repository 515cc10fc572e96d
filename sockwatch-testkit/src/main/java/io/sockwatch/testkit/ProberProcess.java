package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one {@link ProberMain} child JVM: starts it (in a test namespace or this
 * process's own), follows its line protocol, and kills it by its pid. Its stderr is merged into its
 * stdout; lines that are not part of the protocol are copied to this JVM's stderr with a label and
 * the last few are quoted when the child fails.
 */
final class ProberProcess {

  /**
   * IPv4 sockets (as ss shows them, not {@code [::ffff:127.0.0.10]}); small heap, serial GC, C1
   * only, one CPU as far as the JVM's own thread pools are concerned: twenty of these share two
   * cores with the test and the code under test.
   */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Djava.net.preferIPv4Stack=true",
          "-Xms8m",
          "-Xmx32m",
          "-Xss256k",
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:-UsePerfData",
          "-XX:ActiveProcessorCount=1");

  private static final int TAIL_LINES = 10;

  /** Marks the end of the child's output in {@link #lines}; compared by identity. */
  private static final String END = new String("end of output");

  private final String label;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private long pid = -1;

  private ProberProcess(String label, Process process) {
    this.label = label;
    this.process = process;
    // A platform thread: a virtual one blocked on a pipe for the child's whole life pins a carrier.
    Thread.ofPlatform().daemon().name("prober-out-" + label).start(this::readLines);
  }

  /**
   * Starts {@code ProberMain ARGS} in {@code ns} (null: this process's namespace); {@code ip netns
   * exec} execs the JVM in place, so the process started is the prober itself.
   */
  static ProberProcess launch(TestNetns ns, String label, ProberArgs args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(ns.prefix());
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.addAll(List.of("-cp", classPath(), ProberMain.class.getName()));
    cmd.addAll(args.toArgs());
    return new ProberProcess(label, new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  /** The testkit's own jar or classes directory: the prober needs nothing else. */
  private static String classPath() {
    var source = ProberMain.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        return Path.of(source.getLocation().toURI()).toString();
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        // not a file: fall back to the class path
      }
    }
    return System.getProperty("java.class.path");
  }

  String label() {
    return label;
  }

  /** The prober's pid as it reported it; the process's own pid before it did. */
  long pid() {
    return pid > 0 ? pid : process.pid();
  }

  /** Waits for {@code READY <pid>} until {@code deadlineNanos} (a {@link System#nanoTime}). */
  void awaitReady(long deadlineNanos) throws IOException {
    String line = await("READY ", deadlineNanos);
    pid = Long.parseLong(line.substring("READY ".length()).strip());
    if (pid != process.pid()) {
      throw new IOException(
          label + " reported pid " + pid + " but was started as " + process.pid());
    }
  }

  void send(String command) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
    in.flush();
  }

  /** Waits for the count line that answers a {@code count} or {@code stop} sent before. */
  ProbeCount awaitCount(long deadlineNanos) throws IOException {
    return ProbeCount.parse(await(ProbeCount.PREFIX, deadlineNanos));
  }

  private String await(String prefix, long deadlineNanos) throws IOException {
    String line;
    try {
      line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + label);
    }
    if (line == null) {
      throw new IOException(label + " did not answer '" + prefix.strip() + "' in time" + tail());
    }
    if (line == END) {
      lines.add(END); // later waits see the end too
      throw new IOException(label + " exited before '" + prefix.strip() + "'" + tail());
    }
    if (!line.startsWith(prefix)) {
      throw new IOException(label + " said '" + line + "' instead of '" + prefix.strip() + "'");
    }
    return line;
  }

  /** SIGKILLs the prober (by the pid it was started with) and waits a bounded time for it. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String tail() {
    synchronized (tail) {
      return tail.isEmpty() ? "" : "; its output ended with: " + String.join(" | ", tail);
    }
  }

  private void readLines() {
    try (var r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("READY ")
            || line.startsWith(ProbeCount.PREFIX)
            || line.startsWith("FAILED ")
            || line.startsWith("ERROR ")) {
          lines.add(line);
        }
        if (!line.startsWith("READY ") && !line.startsWith(ProbeCount.PREFIX)) {
          System.err.println("[" + label + "] " + line);
          synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
              tail.removeFirst();
            }
            tail.addLast(line);
          }
        }
      }
    } catch (IOException e) {
      // the child is gone: same as the end of its output
    }
    lines.add(END);
  }
}
