package io.sockwatch.bench;

import io.sockwatch.testkit.TestNetns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code sockwatch serve} started through the project's launcher inside a network
 * namespace, measured from outside: its JVM's CPU and memory from {@code /proc/PID}, its own
 * account from {@code /api/status} (read with curl inside the namespace, since its loopback is not
 * this process's), and its heap through {@code jcmd}. {@code ip netns exec} and the launcher both
 * exec rather than fork, so the child's pid is the agent JVM's. Closing stops exactly that pid.
 *
 * <p>Pipes are read on platform threads: a virtual thread blocked reading a pipe holds its carrier,
 * and on two cores two such readers stalled every other virtual thread of the benchmark (the
 * testkit's own {@code ss} reads among them) for good.
 */
final class AgentProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

  private final TestNetns ns;
  private final Process process;
  private final int port;
  private final StringBuilder stderr;
  private final Thread hook;

  private AgentProcess(TestNetns ns, Process process, int port, StringBuilder stderr) {
    this.ns = ns;
    this.process = process;
    this.port = port;
    this.stderr = stderr;
    this.hook = new Thread(process::destroyForcibly, "agent-stop-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code launcher serve --listen 127.0.0.1:0 ARGS} in {@code ns} and waits, at most 60 s,
   * for it to say where it listens. {@code javaToolOptions}, when not blank, reaches the agent JVM
   * alone (profiling, GC experiments) through {@code JAVA_TOOL_OPTIONS}.
   */
  static AgentProcess start(
      String launcher, TestNetns ns, List<String> args, String javaToolOptions)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.addAll(List.of(launcher, "serve", "--listen", "127.0.0.1:0"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!javaToolOptions.isBlank()) {
      pb.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
    }
    Process p = pb.start();
    StringBuilder err = new StringBuilder();
    Thread.ofPlatform().daemon().start(() -> drain(p.getErrorStream(), err));
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
              } catch (IOException e) {
                // the agent is gone; the wait below reports it
              }
              port.complete(-1);
            });
    AgentProcess agent;
    try {
      int bound = port.get(60, TimeUnit.SECONDS);
      agent = new AgentProcess(ns, p, bound, err);
      if (bound < 0) {
        agent.close();
        throw new IOException("sockwatch serve exited before listening: " + agent.stderr());
      }
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly();
      throw new IOException("sockwatch serve did not start listening in 60 s: " + err, e);
    }
    return agent;
  }

  private static void drain(java.io.InputStream in, StringBuilder sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (sink) {
          if (sink.length() < 20_000) {
            sink.append(line).append('\n');
          }
        }
      }
    } catch (IOException e) {
      // the agent is gone
    }
  }

  long pid() {
    return process.pid();
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** The agent's {@code /api/status}, or an exception saying why not (bounded to 10 s). */
  AgentStatus status() throws IOException, InterruptedException {
    if (!process.isAlive()) {
      throw new IOException("sockwatch serve died: " + stderr());
    }
    String body =
        run(
            concat(
                ns.prefix(),
                List.of("curl", "-sS", "-m", "10", "http://127.0.0.1:" + port + "/api/status")),
            15);
    return AgentStatus.parse(body);
  }

  /** utime + stime of the agent JVM, all threads, in seconds (clock ticks of 10 ms). */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** A {@code /proc/PID/status} value in bytes, e.g. {@code VmRSS} or {@code VmHWM}. */
  long procStatusBytes(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]) * 1024;
      }
    }
    throw new IOException(key + " not in /proc/" + pid() + "/status");
  }

  /** {@code jcmd PID COMMAND} output (bounded to 60 s). */
  String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return run(List.of(jcmd.toString(), Long.toString(pid()), command), 60);
  }

  /**
   * Heap in use and committed, in bytes, from {@code GC.heap_info} (every heap space, no
   * metaspace).
   */
  HeapInfo heapInfo() throws IOException, InterruptedException {
    return HeapInfo.parse(jcmd("GC.heap_info"));
  }

  static String run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> out = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.complete("");
              }
            });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
    }
    String text = out.join();
    if (p.exitValue() != 0) {
      throw new IOException(command + " exited " + p.exitValue() + ": " + text.strip());
    }
    return text;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Stops the agent JVM (SIGTERM, then SIGKILL after 15 s). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook stops it
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Heap numbers of one {@code GC.heap_info}. */
  record HeapInfo(long usedBytes, long committedBytes) {
    private static final Pattern SPACE =
        Pattern.compile(
            "^\\s*(?!Metaspace|class space)[^\\n]*?total (\\d+)K, used (\\d+)K", Pattern.MULTILINE);

    static HeapInfo parse(String text) throws IOException {
      Matcher m = SPACE.matcher(text);
      long used = 0;
      long total = 0;
      int n = 0;
      while (m.find()) {
        total += Long.parseLong(m.group(1)) * 1024;
        used += Long.parseLong(m.group(2)) * 1024;
        n++;
      }
      if (n == 0) {
        throw new IOException("no heap space in GC.heap_info: " + text.strip());
      }
      return new HeapInfo(used, total);
    }
  }
}
