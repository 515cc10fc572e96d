package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of a worker JVM that {@link SocketPopulation} starts. It talks to its parent in
 * lines: it builds its held pairs and prints {@code HELD <descriptors>}; on {@code finish} it makes
 * its time-wait connections and prints {@code READY <descriptors>}; then it holds its sockets until
 * {@code stop} or end of stdin. Any failure is reported as {@code FAILED <reason>} and ends the
 * worker. End of stdin also comes when the parent dies, so an orphaned worker never outlives its
 * parent.
 *
 * <p>It leaves by {@link Runtime#halt}: every held socket already has SO_LINGER 0, so the kernel
 * resets them all as the process exits, with no TIME_WAIT and no Java-side close loop.
 */
public final class PopulationWorker {

  private PopulationWorker() {}

  public static void main(String[] args) {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    WorkerSockets sockets;
    try {
      WorkerPlan plan = WorkerPlan.fromArgs(args);
      checkDescriptorLimit(plan);
      sockets = new WorkerSockets(plan);
      sockets.buildHeld();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      fail(e);
      return;
    }
    report("HELD " + sockets.heldDescriptors());
    if (!awaitFinish(in)) {
      Runtime.getRuntime().halt(0);
    }
    try {
      sockets.buildTimeWait();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      fail(e);
      return;
    }
    report("READY " + sockets.heldDescriptors());
    awaitFinish(in);
    Runtime.getRuntime().halt(0);
  }

  private static void checkDescriptorLimit(WorkerPlan plan) {
    long limit = HostLimits.readOpenFilesSoft();
    if (limit != HostLimits.ABSENT && plan.peakDescriptors() > limit) {
      throw new IllegalArgumentException(
          "needs "
              + plan.peakDescriptors()
              + " descriptors but this process's ulimit -n is "
              + limit);
    }
  }

  /** Reads commands until {@code finish} (true) or {@code stop} or end of input (false). */
  private static boolean awaitFinish(BufferedReader in) {
    try {
      for (String line; (line = in.readLine()) != null; ) {
        switch (line.strip()) {
          case "finish" -> {
            return true;
          }
          case "stop" -> {
            return false;
          }
          default -> {
            // Not a command; the parent never sends other lines.
          }
        }
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone: stop like on end of input.
    }
    return false;
  }

  private static void report(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void fail(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    report("FAILED " + m.replace('\n', ' ').replace('\r', ' '));
    Runtime.getRuntime().halt(1);
  }
}
