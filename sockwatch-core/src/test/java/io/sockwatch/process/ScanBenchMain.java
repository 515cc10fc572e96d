package io.sockwatch.process;

import com.sun.management.OperatingSystemMXBean;
import io.sockwatch.model.SocketOwners;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Benchmark, not a test: times full scans of the host {@code /proc} with a chosen walker and thread
 * count, printing wall and process CPU time per round. Run it as root next to a socket population
 * (e.g. the testkit's generator), from the module directory:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes \
 *     io.sockwatch.process.ScanBenchMain NATIVE 2 3
 * </pre>
 *
 * CPU time is printed because the dev VM's two cores are shared, which makes wall time noisy.
 */
public final class ScanBenchMain {
  private ScanBenchMain() {}

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: ScanBenchMain NATIVE|NIO|AUTO <threads> <rounds>");
      System.exit(2);
    }
    SocketOwnerScanner.Walker walker = SocketOwnerScanner.Walker.valueOf(args[0]);
    int threads = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int r = 0; r < rounds; r++) {
      SocketOwnerScanner scanner =
          new SocketOwnerScanner(Path.of("/"), walker, threads, SocketOwners.MAX_DESCRIPTORS);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      SocketOwners owners = scanner.scan();
      System.out.printf(
          "%s threads=%d round=%d wall=%.3fs cpu=%.3fs sockets=%d processes=%d %s %s%n",
          scanner.walkerName(),
          threads,
          r,
          (System.nanoTime() - t0) / 1e9,
          (os.getProcessCpuTime() - cpu0) / 1e9,
          owners.socketCount(),
          owners.processCount(),
          owners.counts(),
          owners.unavailable());
    }
  }
}
