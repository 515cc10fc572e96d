package io.sockwatch.cli.doctor;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.time.Duration;

/**
 * A {@link ConnPeer} child JVM running inside a test namespace. {@code ip netns exec} execs the JVM
 * in place, so {@link #pid()} is the pid that owns the sockets and the doctor reports it as {@code
 * java(pid)}. Its sockets are IPv4 (AF_INET), so endpoints read {@code 127.0.0.1:PORT} rather than
 * {@code [::ffff:127.0.0.1]:PORT}. {@link #close()} stops it and waits for it.
 */
final class PeerProcess implements AutoCloseable {

  private final ChildJvm jvm;
  private final String firstLine;

  private PeerProcess(ChildJvm jvm, String firstLine) {
    this.jvm = jvm;
    this.firstLine = firstLine;
  }

  /** Starts {@code ConnPeer ARGS} in {@code ns} and waits (at most 20 s) for its first line. */
  static PeerProcess start(TestNetns ns, String... args) throws IOException, InterruptedException {
    ChildJvm jvm =
        ChildJvm.launcher()
            .netns(ns)
            .heap("64m")
            .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
            .start(ConnPeer.class, args);
    try {
      return new PeerProcess(jvm, jvm.awaitLine("", Duration.ofSeconds(20)));
    } catch (IOException | InterruptedException | RuntimeException e) {
      jvm.close();
      throw e;
    }
  }

  long pid() {
    return jvm.pid();
  }

  /** {@code java(pid)}, as the doctor names this process. */
  String comm() {
    return "java(" + jvm.pid() + ")";
  }

  /** The port in a {@code connected PORT} first line. */
  int localPort() {
    return Integer.parseInt(firstLine.substring(firstLine.indexOf(' ') + 1).trim());
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
