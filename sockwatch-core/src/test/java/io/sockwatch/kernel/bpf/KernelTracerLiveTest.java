package io.sockwatch.kernel.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.events.ConnectionActivity;
import io.sockwatch.model.events.ConnectionEvent;
import io.sockwatch.model.events.ConnectionFlow;
import io.sockwatch.model.events.ListenerActivity;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The tracer in the real kernel, against connections this test makes on loopback. */
@Tag("live")
class KernelTracerLiveTest {

  private static final long BOUND_NANOS = 10_000_000_000L;
  private static final int PID = (int) ProcessHandle.current().pid();

  @Test
  void countsEveryConnectOfThisProcessWithItsOutcomeAndTheListenersAccepts() throws Exception {
    assumeTrue(isRoot(), "needs root");
    try (KernelTracer tracer = KernelTracer.start();
        ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      Thread acceptor = Thread.ofVirtual().start(() -> acceptAndClose(server));
      int n = 50;
      for (int i = 0; i < n; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          s.getOutputStream().write(1);
        }
      }
      List<ConnectionActivity> windows = new ArrayList<>();
      waitFor(
          () -> {
            windows.add(tracer.drain());
            return sum(windows, port).closes() >= n;
          });
      ConnectionFlow flow = sum(windows, port);
      assertEquals(n, flow.connects(), "connects of this process to the port");
      assertEquals(n, flow.closes());
      assertEquals(0, flow.refused() + flow.timedOut() + flow.otherFailures());
      assertTrue(flow.lifetimeP50Seconds().isPresent());
      long accepts =
          windows.stream()
              .flatMap(w -> w.listeners().stream())
              .filter(l -> l.port() == port)
              .mapToLong(ListenerActivity::accepts)
              .sum();
      assertEquals(n, accepts, "accepts on the listener");
      acceptor.interrupt();
    }
  }

  @Test
  void aConnectToAClosedPortIsRefused() throws Exception {
    assumeTrue(isRoot(), "needs root");
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (KernelTracer tracer = KernelTracer.start()) {
      assumeTrue(tracer.resetsTraced(), "kernel without tcp_receive_reset");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort));
      } catch (ConnectException expected) {
        // The point.
      }
      List<ConnectionActivity> windows = new ArrayList<>();
      waitFor(
          () -> {
            windows.add(tracer.drain());
            return sum(windows, closedPort).refused() >= 1;
          });
      assertEquals(1, sum(windows, closedPort).refused());
      List<ConnectionEvent> ended = tracer.drainEnded().connections();
      assertTrue(
          ended.stream()
              .anyMatch(
                  e ->
                      e.remotePort() == closedPort
                          && e.outcome() == ConnectionEvent.Outcome.REFUSED
                          && e.pid() == PID),
          () -> "ended: " + ended);
    }
  }

  @Test
  void loadingAndUnloadingAHundredTimesLeavesNoDescriptorProgramOrMap() throws Exception {
    assumeTrue(isRoot(), "needs root");
    long fdsBefore = openFds();
    List<Integer> programs = new ArrayList<>();
    List<Integer> maps = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      try (KernelTracer tracer = KernelTracer.start()) {
        programs.addAll(tracer.programIds());
        maps.addAll(tracer.mapIds());
      }
    }
    assertTrue(programs.size() >= 100 && maps.size() >= 300, "ids were read");
    assertEquals(fdsBefore, openFds(), "descriptors after 100 loads and unloads");
    // The kernel frees programs and maps after an RCU grace period.
    waitFor(
        () ->
            programs.stream().noneMatch(id -> KernelTracer.exists(id, true))
                && maps.stream().noneMatch(id -> KernelTracer.exists(id, false)));
    assertFalse(programs.stream().anyMatch(id -> KernelTracer.exists(id, true)));
  }

  private static ConnectionFlow sum(List<ConnectionActivity> windows, int port) {
    long connects = 0, closes = 0, refused = 0, timedOut = 0, other = 0, established = 0;
    ConnectionFlow last = null;
    for (ConnectionActivity w : windows) {
      for (ConnectionFlow f : w.flows()) {
        if (f.pid() == PID && f.port() == port && f.destination().equals(loopback())) {
          connects += f.connects();
          closes += f.closes();
          refused += f.refused();
          timedOut += f.timedOut();
          other += f.otherFailures();
          established += f.established();
          last = f.lifetimeP50Seconds().isPresent() ? f : last;
        }
      }
    }
    return new ConnectionFlow(
        PID,
        "",
        "",
        loopback(),
        port,
        connects,
        established,
        refused,
        timedOut,
        other,
        closes,
        last == null ? java.util.OptionalDouble.empty() : last.lifetimeP50Seconds(),
        java.util.OptionalDouble.empty(),
        0,
        0);
  }

  private static IpAddress loopback() {
    return IpAddress.parse("127.0.0.1");
  }

  private static void acceptAndClose(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.getInputStream().read();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static long openFds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  interface Check {
    boolean test() throws Exception;
  }

  private static void waitFor(Check check) throws Exception {
    long deadline = System.nanoTime() + BOUND_NANOS;
    while (!check.test()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(50);
    }
  }
}
