package io.sockwatch.bench;

import java.io.IOException;
import java.util.List;

/** Runs whole processes with output discarded, timing them from fork to exit. */
final class Commands {
  private Commands() {}

  /** Seconds the command took; fails loudly if it exits non-zero. */
  static double time(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    long t0 = System.nanoTime();
    Process p = pb.start();
    int code = p.waitFor();
    double s = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + code);
    }
    return s;
  }
}
