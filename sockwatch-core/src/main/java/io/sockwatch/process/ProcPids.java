package io.sockwatch.process;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The processes a proc directory lists: its all-digit entries. */
public final class ProcPids {
  private ProcPids() {}

  /** The pids of the directories under {@code procDir}, in directory order. */
  public static int[] list(Path procDir) throws IOException {
    int[] pids = new int[256];
    int n = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procDir)) {
      for (Path entry : entries) {
        int pid = parsePid(entry.getFileName().toString());
        if (pid > 0) {
          if (n == pids.length) {
            pids = Arrays.copyOf(pids, n * 2);
          }
          pids[n++] = pid;
        }
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    return Arrays.copyOf(pids, n);
  }

  /** The pid a proc entry name stands for, or -1 if it is not a positive decimal int. */
  public static int parsePid(String name) {
    if (name.isEmpty() || name.length() > 10 || name.charAt(0) == '0') {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < name.length(); i++) {
      int d = name.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value > Integer.MAX_VALUE ? -1 : (int) value;
  }
}
