package io.sockwatch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run counts and run time of the eBPF programs this process holds (the tracer's), summed from
 * /proc/self/fdinfo: the kernel fills {@code run_cnt} and {@code run_time_ns} only while {@code
 * kernel.bpf_stats_enabled} is 1. The in-kernel cost per connection, free of the noise of a shared
 * machine's other work.
 */
record BpfProgramStats(long runs, long nanos) {

  private static final Path SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  static BpfProgramStats now() throws IOException {
    long runs = 0;
    long nanos = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
      for (Path fd : fds) {
        String info;
        try {
          info = Files.readString(fd);
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        BpfProgramStats s = parse(info);
        runs += s.runs;
        nanos += s.nanos;
      }
    }
    return new BpfProgramStats(runs, nanos);
  }

  /** The counts in one fdinfo text; zero for descriptors that are not BPF programs. */
  static BpfProgramStats parse(String fdinfo) {
    if (!fdinfo.contains("prog_type:")) {
      return new BpfProgramStats(0, 0);
    }
    long runs = 0;
    long nanos = 0;
    for (String line : fdinfo.split("\n")) {
      if (line.startsWith("run_cnt:")) {
        runs = Long.parseLong(line.substring(8).strip());
      } else if (line.startsWith("run_time_ns:")) {
        nanos = Long.parseLong(line.substring(12).strip());
      }
    }
    return new BpfProgramStats(runs, nanos);
  }

  BpfProgramStats minus(BpfProgramStats earlier) {
    return new BpfProgramStats(runs - earlier.runs, nanos - earlier.nanos);
  }

  /** Whether the kernel can count program runs here. */
  static boolean available() {
    return Files.isWritable(SWITCH);
  }

  /** Turns the kernel's counting on; returns what it was, for {@link #restore}. */
  static String enable() throws IOException {
    String was = Files.readString(SWITCH).strip();
    Files.writeString(SWITCH, "1");
    return was;
  }

  static void restore(String was) throws IOException {
    Files.writeString(SWITCH, was);
  }
}
