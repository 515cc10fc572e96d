package io.sockwatch.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a process's {@code comm}, {@code cmdline} and open-files limit. Called once per
 * socket-holding process (not per descriptor), so plain NIO is fast enough and shared by both
 * descriptor walkers.
 */
final class ProcessInfoReader {
  /** comm is at most 16 bytes (TASK_COMM_LEN) plus a newline; 64 leaves room for changes. */
  private static final int MAX_COMM_BYTES = 64;

  private final Path procDir;

  ProcessInfoReader(Path procDir) {
    this.procDir = procDir;
  }

  /**
   * Returns the process's info, or null if the process is gone (its comm no longer exists). A comm
   * or cmdline that exists but cannot be read for another reason (e.g. {@code hidepid}) is given as
   * empty text, an unreadable limit as absent: the process held sockets, so it is still reported.
   *
   * @param openFiles descriptors the walker just counted in the process's table
   */
  ProcessInfo read(int pid, long openFiles) {
    Path dir = procDir.resolve(Integer.toString(pid));
    byte[] comm;
    try {
      comm = readAtMost(dir.resolve("comm"), MAX_COMM_BYTES);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      comm = new byte[0];
    }
    byte[] cmdline;
    try {
      cmdline = readAtMost(dir.resolve("cmdline"), ProcessText.MAX_CMDLINE_BYTES);
    } catch (IOException e) {
      cmdline = new byte[0];
    }
    long maxOpenFiles;
    try {
      byte[] limits = readAtMost(dir.resolve("limits"), LimitsText.MAX_BYTES);
      maxOpenFiles = LimitsText.maxOpenFiles(limits, limits.length);
    } catch (IOException e) {
      maxOpenFiles = ProcessInfo.ABSENT;
    }
    return new ProcessInfo(
        pid,
        ProcessText.comm(comm, comm.length),
        ProcessText.cmdline(cmdline, cmdline.length),
        openFiles,
        maxOpenFiles);
  }

  private static byte[] readAtMost(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(max);
    }
  }
}
