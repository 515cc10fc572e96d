package io.sockwatch.cli.metrics;

import io.sockwatch.cli.Main;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code sockwatch serve} running inside a test namespace, so that the socket table it
 * watches is the namespace's own and holds only what the test built. Requests go through {@code
 * curl} run inside the namespace (the agent listens on the namespace's loopback).
 */
final class ServeProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile("sockwatch serve: listening on (http://127\\.0\\.0\\.1:(\\d+))/ .*");

  /** A response: status and body. */
  record Response(int status, String body) {}

  private final TestNetns ns;
  private final NetnsJvm jvm;
  private final String base;
  private final int port;

  private ServeProcess(TestNetns ns, NetnsJvm jvm, String base, int port) {
    this.ns = ns;
    this.jvm = jvm;
    this.base = base;
    this.port = port;
  }

  /**
   * Starts {@code sockwatch serve --listen 127.0.0.1:0 ARGS} in {@code ns} under a 256 MiB heap
   * (what the agent's history caps are sized for) and waits for it to listen.
   */
  static ServeProcess start(TestNetns ns, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0"));
    all.addAll(List.of(args));
    NetnsJvm jvm = NetnsJvm.start(ns, "256m", Main.class, all.toArray(String[]::new));
    try {
      String line = jvm.awaitLine("sockwatch serve: listening on ", Duration.ofSeconds(60));
      Matcher m = LISTENING.matcher(line);
      if (!m.matches()) {
        throw new IOException("unexpected first line: " + line);
      }
      return new ServeProcess(ns, jvm, m.group(1), Integer.parseInt(m.group(2)));
    } catch (Exception e) {
      jvm.close();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** {@code GET target} (path and encoded query) with curl inside the namespace. */
  Response get(String target) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns.name(),
                "curl",
                "-sS",
                "--max-time",
                "60",
                "-w",
                "\n%{http_code}",
                base + target)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getInputStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("curl " + target + " did not finish");
    }
    String text = new String(out.join(), StandardCharsets.UTF_8);
    int nl = text.lastIndexOf('\n');
    if (p.exitValue() != 0 || nl < 0) {
      throw new IOException("curl " + target + " exited " + p.exitValue() + ": " + jvm.stderr());
    }
    return new Response(Integer.parseInt(text.substring(nl + 1).trim()), text.substring(0, nl));
  }

  /** {@code GET target} until it answers 200 (503 until the first tick is done), bounded. */
  Response awaitOk(String target, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Response r = get(target);
      if (r.status() == 200) {
        return r;
      }
      if (r.status() != 503 || System.nanoTime() > deadline) {
        throw new IOException(target + " answered " + r.status() + ": " + r.body());
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
