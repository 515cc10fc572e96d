package io.sockwatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link NetnsSocketHolder} processes of one benchmark run, each holding the sockets of a share
 * of the namespaces; {@link #close()} ends exactly the processes it started.
 */
final class SocketHolders implements AutoCloseable {

  /** Descriptors one holder may open: under the usual {@code ulimit -n} of 20,000, with room. */
  private static final int SOCKETS_PER_HOLDER = 15_000;

  private final List<Process> processes = new ArrayList<>();

  /**
   * Starts holders for {@code pairs} pairs in each of {@code names} and waits until all are ready.
   */
  static SocketHolders start(List<String> names, int pairs) throws IOException {
    int perHolder = Math.max(1, SOCKETS_PER_HOLDER / (2 * pairs + 1));
    SocketHolders holders = new SocketHolders();
    try {
      for (int i = 0; i < names.size(); i += perHolder) {
        holders.launch(names.subList(i, Math.min(names.size(), i + perHolder)), pairs);
      }
      for (Process p : holders.processes) {
        BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine(); // null when the holder died (its error went to stderr)
        if (!"ready".equals(line)) {
          throw new IOException("socket holder " + p.pid() + " failed: " + line);
        }
      }
      return holders;
    } catch (IOException | RuntimeException e) {
      holders.close();
      throw e;
    }
  }

  int size() {
    return processes.size();
  }

  private void launch(List<String> names, int pairs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            NetnsSocketHolder.class.getName(),
            Integer.toString(pairs)));
    command.addAll(names);
    processes.add(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  @Override
  public void close() {
    for (Process p : processes) {
      try {
        p.getOutputStream().close(); // the holder exits on end of stdin
      } catch (IOException e) {
        // already gone; destroyed below if not
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
