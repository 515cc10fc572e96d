package io.sockwatch.cli.serve;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;

/**
 * A {@link TrafficMain} process running inside a test namespace. {@link #start} returns once it
 * printed {@code ready}, with the time it did; {@link #close()} stops it (by its own handle) and
 * waits, so its sockets are gone.
 */
final class Traffic implements AutoCloseable {

  private final ChildJvm jvm;
  private final long readyNanos;

  private Traffic(ChildJvm jvm, long readyNanos) {
    this.jvm = jvm;
    this.readyNanos = readyNanos;
  }

  /** Starts {@code TrafficMain ARGS} in {@code ns} and waits up to 60 s for its {@code ready}. */
  static Traffic start(TestNetns ns, String... args) throws IOException, InterruptedException {
    ChildJvm jvm =
        ChildJvm.launcher()
            .netns(ns)
            .heap("64m")
            // Plain AF_INET sockets, so ss shows 127.0.0.1 rather than ::ffff:127.0.0.1.
            .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
            .start(TrafficMain.class, args);
    try {
      jvm.awaitLine("ready", Duration.ofSeconds(60));
      return new Traffic(jvm, System.nanoTime());
    } catch (IOException | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  /** {@link System#nanoTime()} when it printed {@code ready}, i.e. started its traffic. */
  long readyNanos() {
    return readyNanos;
  }

  /** How findings name it: {@code comm(pid)}; {@code ip netns exec} execs java in place. */
  String label() {
    return "java(" + jvm.pid() + ")";
  }

  long pid() {
    return jvm.pid();
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
