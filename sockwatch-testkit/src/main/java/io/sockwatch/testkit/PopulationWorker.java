package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of a worker JVM that {@link SocketPopulation} starts: it builds its {@link
 * WorkerPlan}, prints one line ({@code READY <descriptors>} or {@code FAILED <reason>}) and then
 * holds its sockets until its stdin says {@code stop} or reaches end-of-file. End-of-file also
 * comes when the parent dies, so an orphaned worker never outlives its parent.
 *
 * <p>It leaves by {@link Runtime#halt}: every held socket already has SO_LINGER 0, so the kernel
 * resets them all as the process exits, with no TIME_WAIT and no Java-side close loop.
 */
public final class PopulationWorker {

  private PopulationWorker() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    WorkerSockets sockets;
    try {
      WorkerPlan plan = WorkerPlan.fromArgs(args);
      checkDescriptorLimit(plan);
      sockets = new WorkerSockets(plan);
      sockets.build();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      out.println("FAILED " + oneLine(e));
      out.flush();
      Runtime.getRuntime().halt(1);
      return;
    }
    out.println("READY " + sockets.heldDescriptors());
    out.flush();
    awaitStop();
    Runtime.getRuntime().halt(0);
  }

  private static void checkDescriptorLimit(WorkerPlan plan) {
    long limit = HostLimits.readOpenFilesSoft();
    if (limit != HostLimits.ABSENT && plan.peakDescriptors() > limit) {
      throw new IllegalArgumentException(
          "needs " + plan.peakDescriptors() + " descriptors but this process's ulimit -n is "
              + limit);
    }
  }

  private static void awaitStop() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.strip().equals("stop")) {
          return;
        }
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone: stop like on end-of-file.
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ').replace('\r', ' ');
  }
}
