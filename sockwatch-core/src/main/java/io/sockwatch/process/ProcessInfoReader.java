package io.sockwatch.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a process's {@code comm} and {@code cmdline}. Called once per socket-holding process (not
 * per descriptor), so plain NIO is fast enough and shared by both descriptor walkers.
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
   * empty text: the process held sockets, so it is still reported.
   */
  ProcessInfo read(int pid) {
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
    return new ProcessInfo(
        pid, ProcessText.comm(comm, comm.length), ProcessText.cmdline(cmdline, cmdline.length));
  }

  private static byte[] readAtMost(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(max);
    }
  }
}
