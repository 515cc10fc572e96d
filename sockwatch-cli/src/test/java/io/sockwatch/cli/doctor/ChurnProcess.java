package io.sockwatch.cli.doctor;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;

/**
 * A {@link ChurnMain} server or client running inside a test namespace. {@link #start} returns once
 * it printed {@code ready}; {@link #close()} stops it (by its own handle) and waits for it.
 */
final class ChurnProcess implements AutoCloseable {

  private final ChildJvm jvm;

  private ChurnProcess(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /** Starts {@code ChurnMain ARGS} in {@code ns} and waits up to 60 s for its {@code ready}. */
  static ChurnProcess start(TestNetns ns, String... args) throws IOException, InterruptedException {
    ChildJvm jvm =
        ChildJvm.launcher()
            .netns(ns)
            .heap("256m")
            .flags("-XX:TieredStopAtLevel=1", "-Xss256k")
            .start(ChurnMain.class, args);
    try {
      jvm.awaitLine("ready", Duration.ofSeconds(60));
      return new ChurnProcess(jvm);
    } catch (IOException | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** The process id: {@code ip netns exec} replaces itself with java, so this is java's pid. */
  long pid() {
    return jvm.pid();
  }

  /** How the doctor names this process: {@code comm(pid)}. */
  String comm() {
    return "java(" + pid() + ")";
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
