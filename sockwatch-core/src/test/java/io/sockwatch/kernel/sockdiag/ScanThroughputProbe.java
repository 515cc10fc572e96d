package io.sockwatch.kernel.sockdiag;

import static java.net.StandardProtocolFamily.INET;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures sockets/s of a warm in-process scan with and without details against {@code ss -tani
 * >/dev/null} and {@code ss -tan >/dev/null}, interleaved round by round so that a changing table
 * or a busy machine hits both sides alike; then the parser alone on recorded replies, and
 * receive-buffer sizes.
 *
 * <p>Usage: {@code ScanThroughputProbe [pairs] [rounds]}. With {@code pairs > 0} it first opens
 * that many ESTABLISHED loopback pairs (two sockets each; mind {@code ulimit -n}), so run it in a
 * fresh namespace ({@code unshare -n sh -c 'ip link set lo up && java ...'}); with 0 it measures
 * whatever table the namespace holds. Give the JVM heap for the records (~700 bytes per socket with
 * details).
 */
public final class ScanThroughputProbe {

  private static final ScanRequest DETAILS = ScanRequest.allWithDetails();
  private static final ScanRequest PLAIN = ScanRequest.all();

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    try (LoopbackSockets sockets = new LoopbackSockets()) {
      if (pairs > 0) {
        ServerSocketChannel listener = sockets.listen(INET, "127.0.0.1");
        for (int i = 0; i < pairs; i++) {
          sockets.connect(listener, INET, "127.0.0.1");
        }
      }
      NetlinkSockDiagSource source = new NetlinkSockDiagSource();
      for (int i = 0; i < 3; i++) {
        source.read(DETAILS);
        source.read(PLAIN);
      }
      double[] details = new double[rounds];
      double[] tani = new double[rounds];
      double[] plain = new double[rounds];
      double[] tan = new double[rounds];
      int n = 0;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        n = source.read(DETAILS).sockets().size();
        details[i] = rate(n, System.nanoTime() - t0);
        tani[i] = rate(n, ss("-tani"));
        t0 = System.nanoTime();
        n = source.read(PLAIN).sockets().size();
        plain[i] = rate(n, System.nanoTime() - t0);
        tan[i] = rate(n, ss("-tan"));
      }
      System.out.printf("table: %d sockets, %d rounds (median sockets/s)%n", n, rounds);
      row("netlink read, details (info+skmem+cong)", details);
      row("ss -tani >/dev/null", tani);
      row("netlink read, no details", plain);
      row("ss -tan >/dev/null", tan);
      System.out.printf(
          "ratio details/ss -tani: median %.2fx; no-details/ss -tan: median %.2fx%n",
          median(ratio(details, tani)), median(ratio(plain, tan)));

      parseOnly(true, rounds);
      parseOnly(false, rounds);
      bufferSizes(rounds);
    }
  }

  private static void bufferSizes(int rounds) throws Exception {
    int[] sizes = {32 * 1024, 64 * 1024, 256 * 1024};
    double[][] rates = new double[sizes.length][rounds];
    for (int i = 0; i < rounds; i++) {
      for (int s = 0; s < sizes.length; s++) {
        NetlinkSockDiagSource source = new NetlinkSockDiagSource(sizes[s]);
        long t0 = System.nanoTime();
        int n = source.read(DETAILS).sockets().size();
        rates[s][i] = rate(n, System.nanoTime() - t0);
      }
    }
    for (int s = 0; s < sizes.length; s++) {
      row("netlink read, details, buffer " + sizes[s] / 1024 + " KiB", rates[s]);
    }
  }

  /** The parser alone: one dump's replies recorded, then parsed again and again. */
  private static void parseOnly(boolean details, int rounds) throws Exception {
    int ext = details ? 0x02 | 0x40 | 0x08 : 0;
    List<byte[]> replies = new ArrayList<>();
    for (AddressFamily family : AddressFamily.values()) {
      try (SockDiagChannel channel = new SockDiagChannel(64 * 1024, Duration.ofSeconds(5))) {
        channel.startDump(family, PLAIN.kernelStateMask(), ext);
        SockDiagParser parser = new SockDiagParser();
        SockDiagParser.Outcome outcome = SockDiagParser.Outcome.MORE;
        while (outcome == SockDiagParser.Outcome.MORE) {
          int len = channel.receive();
          replies.add(Arrays.copyOf(channel.buffer(), len));
          outcome = parser.parse(channel.buffer(), len, new ArrayList<>());
        }
      }
    }
    double[] rates = new double[rounds];
    for (int i = -5; i < rounds; i++) {
      List<SocketRecord> out = new ArrayList<>();
      long t0 = System.nanoTime();
      SockDiagParser parser = new SockDiagParser();
      for (byte[] r : replies) {
        parser.parse(r, r.length, out);
      }
      if (i >= 0) {
        rates[i] = rate(out.size(), System.nanoTime() - t0);
      }
    }
    long bytes = replies.stream().mapToLong(b -> b.length).sum();
    row(
        String.format(
            "parse only, %s (%d replies, avg %d B)",
            details ? "details" : "no details", replies.size(), bytes / replies.size()),
        rates);
  }

  private static long ss(String options) throws Exception {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder("ss", options).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ss " + options + " failed");
    }
    return System.nanoTime() - t0;
  }

  private static double rate(int sockets, long nanos) {
    return sockets / (nanos / 1e9);
  }

  private static double[] ratio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void row(String label, double[] rates) {
    double[] s = rates.clone();
    Arrays.sort(s);
    System.out.printf(
        "%-48s median %,12.0f  min %,12.0f  max %,12.0f sockets/s%n",
        label, median(rates), s[0], s[s.length - 1]);
  }
}
