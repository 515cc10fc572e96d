package io.sockwatch.process;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.process.cgroup.CgroupFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a process's {@code comm}, {@code cmdline}, open-files limit and cgroup (its container).
 * Called once per socket-holding process (not per descriptor), so plain NIO is fast enough and
 * shared by both descriptor walkers.
 */
final class ProcessInfoReader {
  /** comm is at most 16 bytes (TASK_COMM_LEN) plus a newline; 64 leaves room for changes. */
  private static final int MAX_COMM_BYTES = 64;

  /**
   * A v1 host's cgroup file is about a dozen lines of up to ~250 bytes (kubelet paths); 16 KiB
   * holds any real one and bounds a hostile one.
   */
  private static final int MAX_CGROUP_BYTES = 16 * 1024;

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
        maxOpenFiles,
        container(dir));
  }

  /** The container the cgroup file names; unknown when it cannot be read (the process still is). */
  private static ContainerIdentity container(Path dir) {
    try {
      byte[] text = readAtMost(dir.resolve("cgroup"), MAX_CGROUP_BYTES);
      return CgroupFile.parse(new String(text, StandardCharsets.UTF_8)).identity();
    } catch (IOException e) {
      return ProcessInfo.NO_CONTAINER;
    }
  }

  private static byte[] readAtMost(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(max);
    }
  }
}
