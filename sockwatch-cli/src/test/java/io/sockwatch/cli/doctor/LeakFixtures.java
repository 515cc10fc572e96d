package io.sockwatch.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** Helper programs, ground truth and JSON look-ups shared by the leak live tests. */
final class LeakFixtures {
  private LeakFixtures() {}

  /**
   * Starts a helper program of the leak tests ({@link LeakServerMain}, {@link LeakClientMain}) as a
   * child JVM.
   *
   * @param ns namespace to run in, or null for this one
   * @param nofile soft:hard RLIMIT_NOFILE to run under (e.g. {@code 4096:8192}), or null to inherit
   */
  static ChildJvm child(TestNetns ns, String nofile, Class<?> main, String... args)
      throws IOException {
    return ChildJvm.launcher()
        .netns(ns)
        .nofile(nofile)
        .heap("64m")
        .flags(
            "-XX:TieredStopAtLevel=1",
            // Keep the inherited soft open-files limit (the JVM raises it to the hard one).
            "-XX:-MaxFDLimit",
            // Plain AF_INET sockets, so the kernel shows 127.0.0.x rather than ::ffff:127.0.0.x.
            "-Djava.net.preferIPv4Stack=true")
        .start(main, args);
  }

  /** One {@code ss} row: receive queue, send queue, local and peer endpoint. */
  record SsRow(long recvQ, long sendQ, String local, String peer) {}

  /**
   * Sockets in {@code state} (an ss state name) with local or peer port {@code port}, by {@code ss
   * -tanH}, inside {@code ns} (null: here).
   */
  static List<SsRow> ss(TestNetns ns, String state, String portFilter) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(ns.prefix());
    }
    cmd.addAll(List.of("ss", "-tanH", "state", state));
    cmd.addAll(List.of(portFilter.split(" ")));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (p.waitFor() != 0) {
        throw new IOException(cmd + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    List<SsRow> rows = new ArrayList<>();
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      rows.add(new SsRow(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], f[3]));
    }
    return rows;
  }

  /** Polls {@link #ss} until {@code done} holds for the rows; fails after {@code timeout}. */
  static List<SsRow> awaitSs(
      TestNetns ns,
      String state,
      String portFilter,
      java.util.function.Predicate<List<SsRow>> done,
      Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<SsRow> rows = ss(ns, state, portFilter);
      if (done.test(rows)) {
        return rows;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "ss state " + state + " " + portFilter + " never reached the condition; last: " + rows);
      }
      Thread.sleep(50);
    }
  }

  /** A /proc file's text, read in one go (see {@link GlobalSysctl#read}). */
  static String proc(String... path) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("/proc", path))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /** {@code comm(pid)} from /proc, as the doctor names processes. */
  static String label(long pid) throws IOException {
    return proc(Long.toString(pid), "comm").strip() + "(" + pid + ")";
  }

  /** Descriptors open in the process now. */
  static long openFiles(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  /** The soft "Max open files" of the process, from /proc/PID/limits. */
  static long softNofile(long pid) throws IOException {
    for (String line : proc(Long.toString(pid), "limits").lines().toList()) {
      if (line.startsWith("Max open files")) {
        return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no Max open files line for pid " + pid);
  }

  /** A field of the {@code TCP:} line of /proc/net/sockstat (this process's view). */
  static long sockstatTcp(String field) throws IOException {
    for (String line : proc("net", "sockstat").lines().toList()) {
      if (line.startsWith("TCP:")) {
        String[] f = line.substring(4).trim().split("\\s+");
        for (int i = 0; i + 1 < f.length; i += 2) {
          if (f[i].equals(field)) {
            return Long.parseLong(f[i + 1]);
          }
        }
      }
    }
    throw new IOException("no TCP " + field + " in /proc/net/sockstat");
  }

  /** A TcpExt counter of /proc/net/netstat. */
  static long tcpExt(String counter) throws IOException {
    List<String> lines = proc("net", "netstat").lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
        String[] names = lines.get(i).split("\\s+");
        String[] values = lines.get(i + 1).split("\\s+");
        for (int k = 1; k < names.length; k++) {
          if (names[k].equals(counter)) {
            return Long.parseLong(values[k]);
          }
        }
      }
    }
    throw new IOException("no TcpExt " + counter);
  }

  /** The finding of {@code detector} whose subject names {@code process}; fails when none. */
  static JsonNode findingFor(DoctorProcess run, String detector, String process) {
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode f : run.findings(detector)) {
      for (JsonNode p : f.get("subject").get("processes")) {
        if (p.asString().equals(process)) {
          matches.add(f);
        }
      }
    }
    assertThat(matches).as("%s findings naming %s in %s", detector, process, run.out()).hasSize(1);
    return matches.getFirst();
  }
}
