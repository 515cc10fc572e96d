package io.sockwatch.cli.doctor;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ChurnMain} server or client running inside a test namespace. {@link #start} returns once
 * it printed {@code ready}; {@link #close()} closes its stdin (it exits by itself) and kills it by
 * pid if it does not.
 */
final class ChurnProcess implements AutoCloseable {

  private final Process process;

  private ChurnProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code ChurnMain ARGS} in {@code ns} and waits up to 60 s for its {@code ready}. */
  static ChurnProcess start(TestNetns ns, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ns.prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss256k"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChurnMain.class.getName()));
    cmd.addAll(List.of(args));
    Path errors = Files.createTempFile("churn", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
    ChurnProcess churn = new ChurnProcess(p);
    try {
      var reader =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(reader)).get(60, TimeUnit.SECONDS);
      if (!"ready".equals(line)) {
        throw new IOException(
            "ChurnMain "
                + String.join(" ", args)
                + " did not get ready: "
                + Files.readString(errors).strip());
      }
      return churn;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      churn.close();
      throw new IOException("ChurnMain " + String.join(" ", args) + " did not get ready", e);
    } catch (IOException | RuntimeException e) {
      churn.close();
      throw e;
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** The process id: {@code ip netns exec} replaces itself with java, so this is java's pid. */
  long pid() {
    return process.pid();
  }

  /** How the doctor names this process: {@code comm(pid)}. */
  String comm() {
    return "java(" + pid() + ")";
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
