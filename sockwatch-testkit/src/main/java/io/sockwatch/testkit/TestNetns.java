package io.sockwatch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace a test creates and deletes ({@code ip netns add}), with loopback up. Tests
 * use it to change per-namespace sysctls (port range, tw_reuse), add nftables rules or veth links,
 * and run commands inside, without touching the host. {@link #close()} deletes it, and a shutdown
 * hook does too if the test JVM dies first.
 *
 * <p>Every test namespace has {@code net.ipv4.tcp_rfc1337=1}, so that a TIME_WAIT a test builds
 * lasts its 60 s and the table is exact by construction. With the default 0 a RST that reaches a
 * TIME_WAIT ends it (RFC 1337's "TIME-WAIT assassination"), and under load a test sends itself such
 * RSTs: loopback segments sent from two CPUs can arrive out of order, so the server's delayed ACK
 * of the client's FIN can reach the client after the FIN, in TIME_WAIT, when the server's
 * connection is gone; the TIME_WAIT answers with an ACK, the listener answers that with a RST, and
 * the TIME_WAIT ends. On the shared 2-core host under CPU burners 2 of 309 builds of 165 TIME_WAIT
 * lost 1 and 30 that way (one listener RST per TIME_WAIT lost, {@code TcpExtTW} still 165); with 1,
 * 0 of 170. sockwatch does not read the setting, so no check under test changes with it.
 */
public final class TestNetns implements AutoCloseable {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private final String name;
  private final Thread hook;
  private boolean closed;

  private TestNetns(String name) {
    this.name = name;
    this.hook = new Thread(this::delete, "netns-cleanup-" + name);
  }

  /** Creates {@code swt-<prefix>-<pid>-<n>} with loopback up. Needs root. */
  public static TestNetns create(String prefix) throws IOException {
    String n = "swt-" + prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    TestNetns ns = new TestNetns(n);
    run(List.of("ip", "netns", "add", n));
    Runtime.getRuntime().addShutdownHook(ns.hook);
    ns.exec("ip", "link", "set", "lo", "up");
    ns.sysctl("net.ipv4.tcp_rfc1337", "1");
    return ns;
  }

  public String name() {
    return name;
  }

  /** Runs a command inside the namespace and returns its stdout; fails on a non-zero exit. */
  public String exec(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return run(full);
  }

  /** Sets a per-namespace sysctl such as {@code net.ipv4.ip_local_port_range}. */
  public void sysctl(String key, String value) throws IOException {
    exec("sysctl", "-q", "-w", key + "=" + value);
  }

  /** The command prefix that runs something inside this namespace. */
  public List<String> prefix() {
    return List.of("ip", "netns", "exec", name);
  }

  static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read while it runs: an output larger than the pipe's buffer (ss listing thousands of
    // TIME_WAIT sockets) would otherwise block the command until the timeout.
    // A platform thread: a blocking pipe read pins a virtual thread's carrier, and a few readers
    // stuck on pipes that background children keep open left none to run this one.
    FutureTask<byte[]> output = new FutureTask<>(() -> p.getInputStream().readAllBytes());
    Thread.ofPlatform().daemon().name("netns-output").start(output);
    String out;
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      out = new String(output.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot read the output of " + String.join(" ", command), e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
    }
    return out;
  }

  private void delete() {
    try {
      run(List.of("ip", "netns", "del", name));
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs anyway
    }
  }
}
