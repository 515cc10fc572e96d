package io.sockwatch.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own, with {@code lo} up, deleted on close. It keeps live tests
 * independent of whatever else runs on the host: TIME_WAIT buckets, the port space and the socket
 * table are all per namespace. Needs root.
 */
final class TestNetns implements AutoCloseable {

  private final String name;

  private TestNetns(String name) {
    this.name = name;
  }

  static TestNetns create(String prefix) throws IOException {
    String name = prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
    run("ip", "netns", "add", name);
    TestNetns ns = new TestNetns(name);
    try {
      run("ip", "-n", name, "link", "set", "lo", "up");
    } catch (IOException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  String name() {
    return name;
  }

  @Override
  public void close() throws IOException {
    run("ip", "netns", "del", name);
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (root needed?): " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
